// How the server gets memory back to the system after a burst (SPEC 12.2:
// after an attack, RSS returns near its starting point). Both functions
// are no-ops where the C library offers no such control (anything but
// glibc). servers/README.md has the measurements behind the settings.
#pragma once

namespace kv {

// Call once at startup, before any thread starts. With glibc: every
// allocation of 128 KiB or more gets its own mapping, returned to the
// system when freed (glibc otherwise raises that threshold after the first
// large free, and then keeps large buffers in its heap for ever).
void configure_allocator();

// Returns the free memory the allocator still holds to the system (glibc:
// malloc_trim). Takes time in proportion to the heap; call it rarely.
void return_free_memory();

}  // namespace kv
