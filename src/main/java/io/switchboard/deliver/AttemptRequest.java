package io.switchboard.deliver;

import io.switchboard.message.Message;

/**
 * One attempt at delivering a message: what the transport turns into a request to a worker.
 *
 * @param message the message
 * @param attempt 1 for the first attempt
 */
public record AttemptRequest(Message message, int attempt) {
}
