package io.hartonomous.atom.atomize.git;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.runtime.annotations.RegisterResourceBundle;
import org.eclipse.jgit.internal.JGitText;

/**
 * What a native image needs for jgit: its messages class is filled reflectively from a resource
 * bundle (every jgit exception message goes through it). Untested here: no native-image on this
 * machine.
 */
@RegisterForReflection(targets = JGitText.class)
@RegisterResourceBundle(bundleName = "org.eclipse.jgit.internal.JGitText")
final class NativeImageHints {
    private NativeImageHints() {
    }
}
