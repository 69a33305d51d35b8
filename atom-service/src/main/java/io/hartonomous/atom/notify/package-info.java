/**
 * Announcements to other services after a job completes (search-service embeds new content at
 * once); best effort, each backed by the receiver's own periodic scan.
 */
package io.hartonomous.atom.notify;
