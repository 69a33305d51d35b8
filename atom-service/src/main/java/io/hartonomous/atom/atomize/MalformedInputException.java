package io.hartonomous.atom.atomize;

import java.io.IOException;

/** The input does not have the format it claims; the message is shown to the user. */
public class MalformedInputException extends IOException {
    public MalformedInputException(String message) {
        super(message);
    }
}
