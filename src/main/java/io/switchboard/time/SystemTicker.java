package io.switchboard.time;

enum SystemTicker implements Ticker {
    INSTANCE;

    @Override public long nanoTime() { return System.nanoTime(); }

    @Override public long currentTimeMillis() { return System.currentTimeMillis(); }
}
