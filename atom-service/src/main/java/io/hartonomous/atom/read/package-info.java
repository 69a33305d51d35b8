/**
 * Reading atoms back: metadata, exact content (streamed, with HTTP ranges) rebuilt from the
 * compositions, and paged components. Another tenant's hash is simply not found (404).
 */
package io.hartonomous.atom.read;
