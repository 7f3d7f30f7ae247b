package io.tunnelstore.server.tunnel;

import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A storage engine that delegates everything to a real one but fails one chosen metadata write: once
 * {@link #arm(int) armed} with {@code n}, the n-th {@link StorageEngine#writeMeta} from then on throws
 * {@link StorageException} without reaching the engine; every other write goes through. Thread-safe.
 */
final class FailingMetaWrites implements InvocationHandler {
    static final String MESSAGE = "injected failure of a metadata write";

    private final StorageEngine delegate;
    private final AtomicInteger writes = new AtomicInteger();
    private volatile int failAt = -1;

    private FailingMetaWrites(StorageEngine delegate) {
        this.delegate = delegate;
    }

    /** The engine to hand to the server, and the handle that controls it. */
    record Wrapped(StorageEngine engine, FailingMetaWrites control) {}

    static Wrapped wrap(StorageEngine delegate) {
        FailingMetaWrites control = new FailingMetaWrites(delegate);
        StorageEngine proxy = (StorageEngine) Proxy.newProxyInstance(StorageEngine.class.getClassLoader(),
                new Class<?>[] {StorageEngine.class}, control);
        return new Wrapped(proxy, control);
    }

    /** From now on, counts metadata writes from 1 and fails the {@code n}-th ({@code n <= 0}: none). */
    void arm(int n) {
        writes.set(0);
        failAt = n;
    }

    /** Metadata writes attempted since {@link #arm}. */
    int writes() {
        return writes.get();
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getName().equals("writeMeta") && args.length == 1 && args[0] instanceof MetaBatch) {
            if (writes.incrementAndGet() == failAt) {
                throw new StorageException(MESSAGE);
            }
        }
        try {
            return method.invoke(delegate, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
