package io.switchboard.queue;

import java.util.Arrays;

/**
 * A binary min-heap of queued entries by deadline, indexed through {@link Handle#heapIndex} so that any entry
 * leaves in O(log n). Deadlines are compared by their difference, which stays correct when the ticker wraps.
 */
final class DeadlineHeap<E> {

    private static final int INITIAL_CAPACITY = 16;

    private final int maxCapacity;
    private Handle<E>[] heap;
    private int size;

    @SuppressWarnings("unchecked")
    DeadlineHeap(int maxCapacity) {
        this.maxCapacity = maxCapacity;
        this.heap = (Handle<E>[]) new Handle<?>[Math.min(maxCapacity, INITIAL_CAPACITY)];
    }

    /** The entry with the earliest deadline, or null when empty. */
    Handle<E> peek() {
        return size == 0 ? null : heap[0];
    }

    void add(Handle<E> h) {
        if (size == heap.length) {
            // Grown lazily: most pools rarely queue anything, and the bound is enforced by the owner.
            heap = Arrays.copyOf(heap, (int) Math.min(maxCapacity, (long) heap.length * 2));
        }
        siftUp(size++, h);
    }

    void remove(Handle<E> h) {
        int i = h.heapIndex;
        h.heapIndex = -1;
        Handle<E> last = heap[--size];
        heap[size] = null;
        if (i == size) {
            return;
        }
        siftDown(i, last);
        if (heap[i] == last) {
            siftUp(i, last);
        }
    }

    private void siftUp(int i, Handle<E> h) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Handle<E> p = heap[parent];
            if (!earlier(h, p)) {
                break;
            }
            place(i, p);
            i = parent;
        }
        place(i, h);
    }

    private void siftDown(int i, Handle<E> h) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && earlier(heap[right], heap[child])) {
                child = right;
            }
            if (!earlier(heap[child], h)) {
                break;
            }
            place(i, heap[child]);
            i = child;
        }
        place(i, h);
    }

    private void place(int i, Handle<E> h) {
        heap[i] = h;
        h.heapIndex = i;
    }

    private static boolean earlier(Handle<?> a, Handle<?> b) {
        return a.deadlineNanos - b.deadlineNanos < 0;
    }
}
