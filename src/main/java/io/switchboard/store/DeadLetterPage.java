package io.switchboard.store;

import java.util.List;

/** One page of dead letters, newest first; {@code nextCursor} fetches the next page, null on the last. */
public record DeadLetterPage(List<StoredMessage> items, String nextCursor) {
}
