package dev.voicetrack.testkit.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Just enough of the Redis protocol to ping a server and send it simple commands from a launcher. */
final class Resp {

    private Resp() {}

    static boolean answersPing(String host, int port) {
        try {
            String reply = command(host, port, "PING");
            // A server with a password answers -NOAUTH: it is up all the same.
            return reply.equals("+PONG") || reply.startsWith("-NOAUTH");
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /**
     * Sends one command on a fresh connection and returns the reply: the first line for simple replies,
     * the payload for a bulk string.
     */
    static String command(String host, int port, String... args) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            s.setSoTimeout(5000);
            StringBuilder sb = new StringBuilder();
            sb.append('*').append(args.length).append("\r\n");
            for (String a : args) {
                byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
                sb.append('$').append(bytes.length).append("\r\n").append(a).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String first = in.readLine();
            if (first == null) {
                throw new IOException("connection closed without a reply");
            }
            if (first.startsWith("$") && !first.equals("$-1")) {
                int length = Integer.parseInt(first.substring(1));
                char[] buf = new char[length];
                int read = 0;
                while (read < length) {
                    int n = in.read(buf, read, length - read);
                    if (n < 0) {
                        throw new IOException("connection closed in a bulk reply");
                    }
                    read += n;
                }
                return new String(buf);
            }
            return first;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
