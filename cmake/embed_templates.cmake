# App templates are data (infra/templates/<name>/: manifest.json and the
# app's HTML, CSS, JS and server JS files). They are embedded into spawn_core
# as one generated source, rebuilt whenever a template file changes, and read
# through infra/template_files.hpp. Include it after the library holding
# infra/ is defined: spawn_infra when the build has one library per layer,
# else spawn_core.
if(TARGET spawn_infra)
  set(SPAWN_TEMPLATES_TARGET spawn_infra)
else()
  set(SPAWN_TEMPLATES_TARGET spawn_core)
endif()
file(GLOB_RECURSE SPAWN_TEMPLATE_FILES CONFIGURE_DEPENDS
  RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/infra/templates
  ${CMAKE_CURRENT_SOURCE_DIR}/infra/templates/*)
list(FILTER SPAWN_TEMPLATE_FILES EXCLUDE REGEX "\\.(cpp|hpp)$")
list(FILTER SPAWN_TEMPLATE_FILES INCLUDE REGEX "/")
list(SORT SPAWN_TEMPLATE_FILES)
set(SPAWN_TEMPLATE_DEPS "")
foreach(f ${SPAWN_TEMPLATE_FILES})
  list(APPEND SPAWN_TEMPLATE_DEPS ${CMAKE_CURRENT_SOURCE_DIR}/infra/templates/${f})
endforeach()
set(SPAWN_TEMPLATE_SOURCE ${CMAKE_CURRENT_BINARY_DIR}/generated/template_files_data.cpp)
string(REPLACE ";" "|" SPAWN_TEMPLATE_LIST "${SPAWN_TEMPLATE_FILES}")
add_custom_command(
  OUTPUT ${SPAWN_TEMPLATE_SOURCE}
  COMMAND ${CMAKE_COMMAND} -DROOT=${CMAKE_CURRENT_SOURCE_DIR}/infra/templates
          "-DFILES=${SPAWN_TEMPLATE_LIST}" -DOUT=${SPAWN_TEMPLATE_SOURCE}
          -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/embed_templates_run.cmake
  DEPENDS ${SPAWN_TEMPLATE_DEPS} ${CMAKE_CURRENT_SOURCE_DIR}/cmake/embed_templates_run.cmake
  COMMENT "Embedding ${CMAKE_CURRENT_SOURCE_DIR}/infra/templates"
  VERBATIM)
target_sources(${SPAWN_TEMPLATES_TARGET} PRIVATE ${SPAWN_TEMPLATE_SOURCE})
set_source_files_properties(${SPAWN_TEMPLATE_SOURCE} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
