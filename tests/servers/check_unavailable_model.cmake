# Checks that kvserver, run under WRAPPER (which takes io_uring away),
# refuses MODEL with exit status 3 and a stderr line saying why, naming
# EXPECTED. Run: cmake -DWRAPPER=path -DKVSERVER=path -DMODEL=io-uring
#   -DEXPECTED=text -P check_unavailable_model.cmake
execute_process(COMMAND ${WRAPPER} ${KVSERVER} --model ${MODEL} --port 0
  OUTPUT_VARIABLE printed ERROR_VARIABLE errors RESULT_VARIABLE status TIMEOUT 20)
if(status EQUAL 125)
  # The wrapper could not install its filter: nothing was checked.
  message(STATUS "SKIP: ${errors}")
  return()
endif()
if(NOT status EQUAL 3)
  message(FATAL_ERROR "kvserver --model ${MODEL} exited with ${status}, not 3\n${printed}${errors}")
endif()
string(FIND "${errors}" "kvserver: the ${MODEL} model cannot run on this machine: ${EXPECTED}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "kvserver's message does not say why:\n${errors}")
endif()
if(NOT printed STREQUAL "")
  message(FATAL_ERROR "kvserver printed on stdout although it cannot run:\n${printed}")
endif()
message(STATUS "refused as expected: ${errors}")
