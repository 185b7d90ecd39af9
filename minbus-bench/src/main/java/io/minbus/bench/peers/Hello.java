package io.minbus.bench.peers;

/** The smallest Java program: the start-up anchor's "JVM start" (it prints nothing and exits 0). */
public final class Hello {

    private Hello() {
    }

    public static void main(String[] args) {
        // nothing: the time measured is the JVM's own start and exit
    }
}
