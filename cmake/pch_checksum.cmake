# The checksum ccache uses for a target's precompiled header (sloppiness
# pch_external_checksum): what the PCH is made of — its header list, the
# compiler, the flags, and the versions of the Debian packages whose headers it
# holds — so it changes exactly when the PCH's content can.
function(spawn_pch_checksum target)
  get_target_property(headers ${target} PRECOMPILE_HEADERS)
  execute_process(
    COMMAND dpkg-query -W -f=\${Package}=\${Version}\\n libcaf-dev librestinio-dev
            nlohmann-json3-dev libspdlog-dev libfmt-dev libasio-dev libstdc++-12-dev
    OUTPUT_VARIABLE packages ERROR_QUIET)
  string(SHA256 sum "${headers}|${CMAKE_CXX_COMPILER_ID}|${CMAKE_CXX_COMPILER_VERSION}|\
${CMAKE_CXX_FLAGS}|${CMAKE_CXX_FLAGS_${CMAKE_BUILD_TYPE}}|${CMAKE_BUILD_TYPE}|\
${CMAKE_CXX_STANDARD}|${packages}")
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${target}.dir")
  file(MAKE_DIRECTORY "${dir}")
  file(WRITE "${dir}/cmake_pch.hxx.gch.sum.new" "${sum}\n")
  # Rewritten only when it changes.
  execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different
    "${dir}/cmake_pch.hxx.gch.sum.new" "${dir}/cmake_pch.hxx.gch.sum")
endfunction()
