package io.hartonomous.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay that delays what passes through it by half of a round trip each way: the bench puts
 * it between the service and PostgreSQL ({@code -Dbench.dbRttMs}) to show how ingestion behaves
 * when the database is a network hop away, as on a Kubernetes cluster, instead of on the same
 * loopback. Each direction is a delay line: bytes keep their order, and a burst is delayed as a
 * whole (statements sent at once arrive together), not one message after another. No qdisc is
 * needed (this machine's kernel has no netem).
 */
final class LatencyProxy implements AutoCloseable {

    private static final byte[] END = new byte[0];

    private record Chunk(long due, byte[] bytes) {
    }

    private final ServerSocket server;
    private final int target;
    private final long oneWayNanos;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "latency-proxy");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    LatencyProxy(int targetPort, double roundTripMillis) throws IOException {
        this.target = targetPort;
        this.oneWayNanos = (long) (roundTripMillis * 1_000_000 / 2);
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        threads.submit(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket database = new Socket(InetAddress.getLoopbackAddress(), target);
                client.setTcpNoDelay(true);
                database.setTcpNoDelay(true);
                relay(client, database);
                relay(database, client);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("latency proxy: " + e);
                }
            }
        }
    }

    /** One direction: a reader stamps what arrives with its due time, a writer sends it when due. */
    private void relay(Socket from, Socket to) {
        LinkedBlockingQueue<Chunk> line = new LinkedBlockingQueue<>();
        threads.submit(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    line.put(new Chunk(System.nanoTime() + oneWayNanos, Arrays.copyOf(buffer, n)));
                }
            } catch (IOException | InterruptedException ignored) {
                // the connection ended
            }
            line.add(new Chunk(System.nanoTime() + oneWayNanos, END));
        });
        threads.submit(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk c = line.take();
                    for (long wait; (wait = c.due() - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(wait);
                    }
                    if (c.bytes() == END) {
                        to.shutdownOutput();
                        return;
                    }
                    out.write(c.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException ignored) {
                // the connection ended
            } finally {
                try {
                    from.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        });
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        threads.shutdownNow();
    }
}
