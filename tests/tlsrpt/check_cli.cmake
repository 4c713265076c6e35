# Runs `${STSLAB} ${ARGS}` and checks its exit status and that stdout + stderr contain every
# string of EXPECT (plain substrings, not regular expressions).
execute_process(COMMAND ${STSLAB} ${ARGS} RESULT_VARIABLE status OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
set(all "${out}${err}")
if(NOT status STREQUAL STATUS)
  message(FATAL_ERROR "exit status ${status}, want ${STATUS}\n${all}")
endif()
foreach(want IN LISTS EXPECT)
  string(FIND "${all}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "missing: ${want}\n--- output:\n${all}")
  endif()
endforeach()
message(STATUS "ok\n${all}")
