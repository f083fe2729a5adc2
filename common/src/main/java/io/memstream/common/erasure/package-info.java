/** Erased users, as every service checks them. */
package io.memstream.common.erasure;
