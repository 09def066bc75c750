# One man page per installed tool, made by help2man from the tool's own
# --help output (so a page can never disagree with the program) and the
# project's version, gzipped as Debian wants, and installed into
# share/man/man1.
# Without help2man (scripts/install-deps installs it) the tree builds and
# installs without man pages; the package check (scripts/check-package)
# fails on a .deb that lacks them.
#
# Not in sanitizer builds: help2man would run instrumented tools as part of
# every build there, for pages no one installs from such a tree.
if(KV_SANITIZE)
  return()
endif()
find_program(KV_HELP2MAN help2man)
find_program(KV_GZIP gzip)
if(NOT KV_HELP2MAN OR NOT KV_GZIP)
  message(WARNING "packaging: help2man or gzip not found, no man pages are generated "
                  "(scripts/install-deps installs them)")
  return()
endif()

# The one-line NAME section of each page.
set(kv_man_name_kvconform "conformance runner for the KV frame protocol")
set(kv_man_name_kvserver "KV frame protocol server in one of four I/O models")
set(kv_man_name_kvdump "decode a KV frame stream to JSON lines")
set(kv_man_name_kvcli "store and fetch keys on a KV frame protocol server")
set(kv_man_name_kvbench "closed-loop load generator for KV protocol servers")
set(kv_man_name_kvclient_adapter "the reference KV client behind kvconform's client adapter contract")

set(kv_man_pages)
foreach(tool ${kv_tools})
  set(page ${CMAKE_CURRENT_BINARY_DIR}/man/${tool}.1)
  add_custom_command(
    OUTPUT ${page}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/man
    COMMAND ${KV_HELP2MAN} --no-info --no-discard-stderr --section=1
            --name=${kv_man_name_${tool}} --version-string=${PROJECT_VERSION}
            --output=${page} $<TARGET_FILE:${tool}>
    COMMAND ${KV_GZIP} -9nf ${page}
    DEPENDS ${tool}
    COMMENT "Generating the man page of ${tool} from its --help"
    VERBATIM)
  list(APPEND kv_man_pages ${page}.gz)
endforeach()
add_custom_target(man_pages ALL DEPENDS ${kv_man_pages})
install(FILES ${kv_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT tools)
