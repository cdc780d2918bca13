package io.switchboard.store.sqlite;

import io.switchboard.message.Priority;
import io.switchboard.store.MessageStatus;
import io.switchboard.store.StoredMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded store on a real SQLite file in a temporary directory, with a fake clock. */
class SqliteStoreTest extends io.switchboard.store.StoreContract {

    @TempDir
    Path dir;

    private final List<SqliteStore> opened = new ArrayList<>();

    @AfterEach
    void closeStores() {
        opened.forEach(SqliteStore::close);
    }

    @Override
    protected SqliteStore open() throws Exception {
        return open(1_000_000, 60_000, 60_000, List.of());
    }

    @Override
    protected SqliteStore open(long maxMessages, long retentionMs, long windowMs, List<String> sinks) throws Exception {
        SqliteStore store = SqliteStore.open(new SqliteStore.Settings(dir, true, maxMessages, Duration.ofSeconds(2),
                retentionMs, windowMs), clock, sinks, EVENTS, nanos -> { });
        opened.add(store);
        return store;
    }

    @Test
    void acceptedMessageIsStillThereAfterReopeningTheFile() throws Exception {
        SqliteStore store = open();
        StoredMessage m = accepted(store.submit(message("hello", Priority.NORMAL, 60_000, null)));
        store.close();
        opened.clear();

        StoredMessage back = open().find(m.id()).orElseThrow();
        assertThat(back.status()).isEqualTo(MessageStatus.QUEUED);
        assertThat(back.envelope().text()).isEqualTo("hello");
        assertThat(back.envelope().metadata()).containsEntry("tenant", "t1");
        assertThat(back.requestId()).isEqualTo("req-hello");
        assertThat(back.deadlineAt()).isEqualTo(m.acceptedAt() + 60_000);
    }

    @Test
    void recoveryRequeuesInFlightMessagesKeepingTheirAttempts() throws Exception {
        SqliteStore store = open();
        StoredMessage m = accepted(store.submit(message("hello", Priority.NORMAL, 60_000, null)));
        store.claim("main", 1);
        store.attemptStarted(m.id(), 1, "w1");
        store.attemptStarted(m.id(), 2, "w2");
        store.close();
        opened.clear();

        SqliteStore again = open();
        assertThat(again.find(m.id()).orElseThrow().status()).isEqualTo(MessageStatus.IN_FLIGHT);
        assertThat(again.recover(c -> "main", java.util.Set.of("main"))).isEqualTo(1);

        StoredMessage back = again.claim("main", 1).get(0);
        assertThat(back.id()).isEqualTo(m.id());
        assertThat(back.attempts()).isEqualTo(2);
        assertThat(back.worker()).isEqualTo("w2");
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefusedUntilTheFirstCloses() throws Exception {
        SqliteStore first = open();

        assertThatThrownBy(this::open).hasMessageContaining("give each engine its own store.path");

        first.close();
        opened.remove(first);
        assertThat(open().healthy()).isTrue();
    }

    @Test
    void aDatabaseFromANewerReleaseIsRefused() throws Exception {
        open().close();
        opened.clear();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME))) {
            c.createStatement().execute("PRAGMA user_version = " + (Migrations.CURRENT + 1));
        }
        assertThatThrownBy(this::open).hasMessageContaining("newer than this release");
    }
}
