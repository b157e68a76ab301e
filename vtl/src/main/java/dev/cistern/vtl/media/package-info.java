/**
 * Cartridge contents in the engine: the layout is written down in {@link dev.cistern.vtl.media.TapeFormat};
 * the crash-consistency argument (what is durable after a kill, and why a cartridge never returns
 * bytes that were not written as a block) is in {@link dev.cistern.vtl.media.TapeMedium}. Positions
 * are logical object identifiers (blocks and filemarks counted, SSC-3); the object index and the
 * filemark list are fixed-size record streams read through one cached page, so memory use does not
 * grow with the cartridge.
 */
package dev.cistern.vtl.media;
