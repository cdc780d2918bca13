package io.switchboard.classify;

import io.switchboard.message.Envelope;

/** Decides the class and priority of an envelope. Implementations are thread-safe and never block. */
public interface Classifier {

    Classification classify(Envelope envelope);
}
