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
set(kv_man_name_kvserver "KV frame protocol server in one of several I/O models")
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

# kvconform's --help lists its subcommands only; like git, each subcommand
# gets a page of its own (kvconform-server.1, ...), made from
# `kvconform SUB --help` through a two-line wrapper that help2man runs.
set(kv_man_name_kvconform-server "check a KV server against the spec's cases")
set(kv_man_name_kvconform-client "check a KV client, through its adapter, against SPEC 13")
set(kv_man_name_kvconform-explore "explore a KV server with random programs, shrinking failures")
set(kv_man_name_kvconform-replay "replay a saved explore script against a KV server")
set(kv_man_name_kvconform-diff "run one seeded script against several KV servers and compare")
set(kv_man_name_kvconform-list "list kvconform's cases, or the rules and the cases that check them")
set(kv_man_name_kvconform-explain "describe one kvconform case in full")
foreach(sub server client explore replay diff list explain)
  set(page ${CMAKE_CURRENT_BINARY_DIR}/man/kvconform-${sub}.1)
  set(wrapper ${CMAKE_CURRENT_BINARY_DIR}/man/kvconform-${sub})
  file(GENERATE OUTPUT ${wrapper}
    CONTENT "#!/bin/sh\nexec '$<TARGET_FILE:kvconform>' ${sub} \"$@\"\n"
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                     WORLD_READ WORLD_EXECUTE)
  add_custom_command(
    OUTPUT ${page}.gz
    COMMAND ${KV_HELP2MAN} --no-info --no-discard-stderr --section=1
            --name=${kv_man_name_kvconform-${sub}} --version-string=${PROJECT_VERSION}
            --output=${page} ${wrapper}
    COMMAND ${KV_GZIP} -9nf ${page}
    DEPENDS kvconform ${wrapper}
    COMMENT "Generating the man page of kvconform ${sub} from its --help"
    VERBATIM)
  list(APPEND kv_man_pages ${page}.gz)
endforeach()
add_custom_target(man_pages ALL DEPENDS ${kv_man_pages})
install(FILES ${kv_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT tools)
