package dev.voicetrack.testkit.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.testkit.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {

    private ServerSocket echo;
    private FaultProxy proxy;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread c = new Thread(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException ignored) {
                            // the test cut it
                        }
                    });
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        proxy = FaultProxy.start(echo.getInetAddress().getHostAddress(), echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(proxy.host(), proxy.port());
        s.setSoTimeout(300);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes());
        out.flush();
        return read(s.getInputStream(), text.length());
    }

    private static String read(InputStream in, int n) throws IOException {
        return new String(in.readNBytes(n));
    }

    @Test
    void forward_passesBytesBothWays() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "hello")).isEqualTo("hello");
        }
        assertThat(proxy.mode()).isEqualTo(FaultProxy.Mode.FORWARD);
    }

    @Test
    void refuse_refusesNewConnections_andForwardBindsTheSamePortAgain() throws IOException {
        proxy.refuse();
        assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
        proxy.forward();
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "back")).isEqualTo("back");
        }
    }

    @Test
    void hang_freezesOpenConnections_andForwardDeliversTheHeldBytes() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "a")).isEqualTo("a");
            proxy.hang();
            s.getOutputStream().write("held".getBytes());
            s.getOutputStream().flush();
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            proxy.forward();
            s.setSoTimeout(5_000);
            assertThat(read(s.getInputStream(), 4)).isEqualTo("held");
        }
    }

    @Test
    void hang_acceptsNewConnectionsWithoutAnswering() throws IOException {
        proxy.hang();
        try (Socket s = connect()) {
            s.getOutputStream().write("x".getBytes());
            s.getOutputStream().flush();
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            proxy.forward();
            s.setSoTimeout(5_000);
            assertThat(read(s.getInputStream(), 1)).isEqualTo("x");
        }
    }

    @Test
    void cutAll_breaksOpenConnections() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "a")).isEqualTo("a");
            Await.until("one open connection", () -> proxy.openConnections() == 1);
            proxy.cutAll();
            s.setSoTimeout(5_000);
            assertThatThrownBy(() -> {
                        int r = s.getInputStream().read();
                        if (r < 0) {
                            throw new IOException("end of stream");
                        }
                    })
                    .isInstanceOf(IOException.class);
            assertThat(proxy.openConnections()).isZero();
        }
    }

    @Test
    void start_rejectsABadPort() {
        assertThatThrownBy(() -> FaultProxy.start("127.0.0.1", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be between 1 and 65535, was 0");
    }
}
