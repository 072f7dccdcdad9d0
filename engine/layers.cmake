# The layer table, checked during every build: each engine folder may
# include only itself and the folders listed for it (lower layers), and
# server/, bench/ and client/ may include only engine/public/. An upward
# include fails the build (target infdb_layers, run by `all`) naming the file
# and the line. engine/public/engine.h (the Engine interface) is for db and
# its users, not for the layers below db. The same check refuses hidden
# globals in the engine: spdlog's default logger and the system clock (they
# come in through EngineOptions::env; only engine/io/ implements the
# defaults).
set(INFDB_LAYER_public "")
set(INFDB_LAYER_common "public")
set(INFDB_LAYER_io "public;common")
set(INFDB_LAYER_hilbert "public")
set(INFDB_LAYER_mvcc "public;common;hilbert")
set(INFDB_LAYER_segment "public;common;io;hilbert;mvcc")
set(INFDB_LAYER_manifest "public;common;io;segment")
set(INFDB_LAYER_wal "public;common;io")
set(INFDB_LAYER_version "public;common;io;hilbert;mvcc;segment;manifest")
set(INFDB_LAYER_commit
    "public;common;io;hilbert;mvcc;segment;manifest;wal;version")
set(INFDB_LAYER_replication
    "public;common;io;hilbert;mvcc;segment;manifest;wal;version;commit")
# The graph sees the engine only through graph/graph_store.h.
set(INFDB_LAYER_graph "public;common;io")
# Branch work reads through the version set and knows the graph's stored
# edges (their codec and spaces); it writes through branch/branch_store.h.
set(INFDB_LAYER_branch "public;common;io;hilbert;mvcc;segment;manifest;version;graph")
set(INFDB_LAYER_db "public;common;io;hilbert;mvcc;segment;manifest;wal;version;commit;replication;graph;branch")
set(INFDB_LAYER_FOLDERS public common io hilbert mvcc segment manifest wal
    version commit replication graph branch db)

if(CMAKE_SCRIPT_MODE_FILE)
  # cmake -DROOT=<repo> -DSTAMP=<file> -P layers.cmake
  set(problems "")
  foreach(folder IN LISTS INFDB_LAYER_FOLDERS)
    file(GLOB_RECURSE sources "${ROOT}/engine/${folder}/*.h"
         "${ROOT}/engine/${folder}/*.cc")
    set(allowed ${INFDB_LAYER_${folder}} ${folder})
    foreach(source IN LISTS sources)
      file(STRINGS "${source}" includes REGEX "^#include \"engine/")
      foreach(line IN LISTS includes)
        string(REGEX REPLACE "^#include \"engine/([a-z_]+)/.*" "\\1" target
               "${line}")
        list(FIND allowed "${target}" found)
        if(found EQUAL -1 OR (line MATCHES "engine/public/engine.h" AND
                              NOT folder STREQUAL "db"))
          file(RELATIVE_PATH name "${ROOT}" "${source}")
          string(APPEND problems "  ${name}: ${line}\n")
        endif()
      endforeach()
    endforeach()
  endforeach()
  file(GLOB_RECURSE sources "${ROOT}/engine/*.h" "${ROOT}/engine/*.cc")
  foreach(source IN LISTS sources)
    if(source MATCHES "/engine/io/")
      continue()
    endif()
    file(STRINGS "${source}" globals REGEX
         "spdlog::(trace|debug|info|warn|error|critical|default_logger|set_level)|absl::Now\\(|system_clock|steady_clock")
    foreach(line IN LISTS globals)
      file(RELATIVE_PATH name "${ROOT}" "${source}")
      string(APPEND problems "  ${name}: a hidden global: ${line}\n")
    endforeach()
  endforeach()
  foreach(user server bench client)
    file(GLOB_RECURSE sources "${ROOT}/${user}/*.h" "${ROOT}/${user}/*.cc")
    foreach(source IN LISTS sources)
      file(STRINGS "${source}" includes REGEX "^#include \"engine/")
      foreach(line IN LISTS includes)
        if(NOT line MATCHES "^#include \"engine/public/")
          file(RELATIVE_PATH name "${ROOT}" "${source}")
          string(APPEND problems "  ${name}: ${line}\n")
        endif()
      endforeach()
    endforeach()
  endforeach()
  if(problems)
    message(FATAL_ERROR "includes that break the layers "
                        "(engine/layers.cmake):\n${problems}")
  endif()
  file(TOUCH "${STAMP}")
else()
  file(GLOB_RECURSE INFDB_LAYER_SOURCES CONFIGURE_DEPENDS
       "${CMAKE_SOURCE_DIR}/engine/*.h" "${CMAKE_SOURCE_DIR}/engine/*.cc"
       "${CMAKE_SOURCE_DIR}/server/*.h" "${CMAKE_SOURCE_DIR}/server/*.cc"
       "${CMAKE_SOURCE_DIR}/bench/*.h" "${CMAKE_SOURCE_DIR}/bench/*.cc"
       "${CMAKE_SOURCE_DIR}/client/*.h" "${CMAKE_SOURCE_DIR}/client/*.cc")
  set(stamp "${CMAKE_CURRENT_BINARY_DIR}/layers.checked")
  add_custom_command(
    OUTPUT "${stamp}"
    COMMAND ${CMAKE_COMMAND} -DROOT=${CMAKE_SOURCE_DIR} -DSTAMP=${stamp}
            -P ${CMAKE_CURRENT_SOURCE_DIR}/layers.cmake
    DEPENDS ${INFDB_LAYER_SOURCES} ${CMAKE_CURRENT_SOURCE_DIR}/layers.cmake
    COMMENT "Checking the engine's layers")
  add_custom_target(infdb_layers ALL DEPENDS "${stamp}")
  foreach(folder IN LISTS INFDB_LAYER_FOLDERS)
    if(TARGET infdb_${folder} AND NOT folder STREQUAL "public")
      add_dependencies(infdb_${folder} infdb_layers)
    endif()
  endforeach()
endif()
