/** The registry of topics and their serdes, and the installer that creates them. */
package io.memstream.common.topics;
