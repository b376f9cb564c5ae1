/**
 * libpq connection strings, read one way by every pgfence process: the producer announces the address it
 * parses from repmgr's conninfo, and the agents probe the addresses they parse from {@code repmgr.nodes}; two
 * parsers could disagree about where the new primary is.
 */
package org.pgfence.libpq;
