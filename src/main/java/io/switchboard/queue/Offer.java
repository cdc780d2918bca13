package io.switchboard.queue;

/** What became of an element offered to a {@link PendingQueue}: admitted, admitted by shedding a less urgent one, or rejected. */
public sealed interface Offer<E> permits Offer.Admitted, Offer.AdmittedEvicting, Offer.Rejected {

    /** The element waits in the queue; {@code handle} withdraws it. */
    record Admitted<E>(Handle<E> handle) implements Offer<E> {
    }

    /** The element waits in the queue; the queue was full and {@code evicted} was shed to make room (answer it 429). */
    record AdmittedEvicting<E>(Handle<E> handle, E evicted) implements Offer<E> {
    }

    /** The queue is full of entries at least as urgent as the offered one; the element was not queued. */
    record Rejected<E>() implements Offer<E> {
    }

    /** The shared rejection (it carries no state). */
    @SuppressWarnings("unchecked")
    static <E> Offer<E> rejected() {
        return (Offer<E>) RejectedHolder.INSTANCE;
    }

    /** The handle of an admitted element, or null when rejected. */
    default Handle<E> handleOrNull() {
        return switch (this) {
            case Admitted<E> a -> a.handle();
            case AdmittedEvicting<E> a -> a.handle();
            case Rejected<E> r -> null;
        };
    }
}

final class RejectedHolder {
    static final Offer.Rejected<?> INSTANCE = new Offer.Rejected<>();

    private RejectedHolder() {
    }
}
