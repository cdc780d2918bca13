package io.switchboard.deliver;

import io.switchboard.config.RetryBudgetConfig;
import io.switchboard.time.Ticker;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds retries to a share of first attempts (plus a small per-second allowance), so that when every worker
 * fails, total attempts stay near {@code (1 + ratio) × offered} instead of {@code max_attempts × offered}.
 *
 * <p>Every first attempt deposits {@code ratio} of a token; a retry withdraws a whole one. Deposits are capped so
 * a long quiet success streak cannot bank an unbounded storm. The per-second allowance refills separately.
 */
public final class RetryBudget {

    private static final long UNIT = 1_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long depositPerAttempt;
    private final long maxBalance;
    private final long reservePerSecond;
    private final Ticker ticker;
    private final AtomicLong balance = new AtomicLong();
    private final AtomicLong reserve = new AtomicLong();
    private final AtomicLong reserveRefilledAt;

    public RetryBudget(RetryBudgetConfig config, Ticker ticker) {
        this.depositPerAttempt = Math.round(config.ratio() * UNIT);
        // Enough to absorb a burst of failures after a calm period, small enough to stay within a second or two.
        this.maxBalance = Math.max(UNIT, depositPerAttempt * 1_000);
        this.reservePerSecond = config.minPerSecond();
        this.ticker = ticker;
        this.reserve.set(reservePerSecond * UNIT);
        this.reserveRefilledAt = new AtomicLong(ticker.nanoTime());
    }

    /** Records a first attempt. */
    public void deposit() {
        long b;
        do {
            b = balance.get();
            if (b >= maxBalance) {
                return;
            }
        } while (!balance.compareAndSet(b, Math.min(maxBalance, b + depositPerAttempt)));
    }

    /** Takes one retry from the budget; false when the budget is spent and the retry must not happen. */
    public boolean tryWithdraw() {
        if (take(balance)) {
            return true;
        }
        refillReserve();
        return take(reserve);
    }

    private static boolean take(AtomicLong tokens) {
        long t;
        do {
            t = tokens.get();
            if (t < UNIT) {
                return false;
            }
        } while (!tokens.compareAndSet(t, t - UNIT));
        return true;
    }

    private void refillReserve() {
        if (reservePerSecond == 0) {
            return;
        }
        long now = ticker.nanoTime();
        long last = reserveRefilledAt.get();
        long elapsed = now - last;
        long add = elapsed * reservePerSecond * UNIT / NANOS_PER_SECOND;
        if (add > 0 && reserveRefilledAt.compareAndSet(last, now)) {
            long cap = reservePerSecond * UNIT;
            reserve.getAndUpdate(r -> Math.min(cap, r + add));
        }
    }
}
