# Checks that `KVSERVER --list-models` prints exactly the models of
# EXPECTED (NAME:PROFILE entries joined by commas), in that order.
# Run: cmake -DKVSERVER=path -DEXPECTED=a:b,c:d -P check_model_list.cmake
execute_process(COMMAND ${KVSERVER} --list-models
  OUTPUT_VARIABLE printed RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "kvserver --list-models exited with ${status}")
endif()
string(STRIP "${printed}" printed)
string(REPLACE "\n" ";" lines "${printed}")
set(actual)
foreach(line IN LISTS lines)
  string(REPLACE " " ":" entry "${line}")
  list(APPEND actual "${entry}")
endforeach()
list(JOIN actual "," actual_joined)
if(NOT actual_joined STREQUAL EXPECTED)
  message(FATAL_ERROR "servers/CMakeLists.txt lists the models as\n  ${EXPECTED}\n"
                      "but kvserver --list-models prints\n  ${actual_joined}\n"
                      "Make KV_SERVER_MODELS match kv::server_models().")
endif()
message(STATUS "model list matches: ${actual_joined}")
