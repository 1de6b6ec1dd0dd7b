package dev.voicetrack.emulator;

/**
 * The one unchecked exception the emulator throws: a script asked for something Discord would refuse (an
 * unregistered command, an option of the wrong type, a member of another guild), a wait ran past its hang guard, or
 * the server could not start.
 */
public class EmulatorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EmulatorException(String message) {
        super(message);
    }

    public EmulatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
