# CPack: `cpack -G DEB` in a built tree makes kvkit_<version>_<arch>.deb
# with everything `cmake --install` installs, under /usr. Its Depends are
# the Debian packages of the shared libraries the tools link, as
# dpkg-shlibdeps finds them (libc6, libstdc++6, libprotobuf32, ...); the
# -dev packages that find_package(kvkit) needs are Recommends.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kvkit)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "conformance kit for the KV frame protocol")
set(CPACK_PACKAGE_DESCRIPTION
  "kvconform checks a server or a client of the KV frame protocol (LEN, protobuf body, footer) "
  "against the spec and reports PASS/FAIL per rule, with JUnit, JSON and HTML reports. "
  "Also kvserver (four reference servers), kvdump, kvcli, kvbench, the spec with its test "
  "vectors, and the codec and client libraries for CMake's find_package(kvkit).")
set(CPACK_PACKAGE_CONTACT "kvkit developers")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cmake, libprotobuf-dev, libsimdjson-dev")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
