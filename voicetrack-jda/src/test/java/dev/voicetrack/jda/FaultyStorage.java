package dev.voicetrack.jda;

import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * Failure injection for the command error-path tests: a real {@link InMemoryStorage} behind a proxy that, for the
 * methods a test names, throws a {@link StorageException} ({@link #fail}) or blocks until {@link #release()} (
 * {@link #block}). Everything else goes straight to the real storage.
 */
final class FaultyStorage {
    final InMemoryStorage real = new InMemoryStorage();
    final Storage storage;
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final Set<String> blocking = ConcurrentHashMap.newKeySet();
    private final CountDownLatch released = new CountDownLatch(1);
    private final CountDownLatch blocked = new CountDownLatch(1);

    FaultyStorage() {
        storage = (Storage) Proxy.newProxyInstance(
                Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, (proxy, method, args) -> {
                    if (failing.contains(method.getName())) {
                        throw new StorageException("injected failure in " + method.getName());
                    }
                    if (blocking.contains(method.getName())) {
                        blocked.countDown();
                        released.await();
                        if (failing.contains(method.getName())) {
                            throw new StorageException("injected failure in " + method.getName());
                        }
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** From now on, calls of these storage methods throw a {@link StorageException}. */
    FaultyStorage fail(String... methods) {
        failing.addAll(Set.of(methods));
        return this;
    }

    /** From now on, calls of these storage methods wait until {@link #release()}. */
    FaultyStorage block(String... methods) {
        blocking.addAll(Set.of(methods));
        return this;
    }

    /** Waits until a call is blocked in the storage (a hang guard bounds it in the caller's test timeout). */
    void awaitBlocked() throws InterruptedException {
        blocked.await();
    }

    /** Lets every blocked and future call through. */
    void release() {
        blocking.clear();
        released.countDown();
    }
}
