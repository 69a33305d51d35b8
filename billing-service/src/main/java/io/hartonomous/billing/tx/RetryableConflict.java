package io.hartonomous.billing.tx;

/**
 * Thrown inside a transaction when state read earlier in it changed under it (e.g. a reservation
 * was released between read and commit); {@link Transactions} retries the whole transaction.
 */
public final class RetryableConflict extends RuntimeException {
    public RetryableConflict(String message) {
        super(message, null, false, false);
    }
}
