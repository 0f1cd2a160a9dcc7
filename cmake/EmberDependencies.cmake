# ember_require_package(<Name> DEBIAN <pkg...> [NEEDS <Name>=<pkg...>;...] [ARGS <find_package args>])
#
# find_package for a hard dependency, with a message a user can act on. When the package (or a
# package its own CMake config pulls in, listed under NEEDS) is missing, configure stops with the
# Debian packages to install instead of a stack of CMake internals. scripts/install-deps.sh
# installs every package named here; keep the two in step (docs/CONTRIBUTING.md says how to check
# on a clean machine).
function(ember_require_package name)
  cmake_parse_arguments(ARG "" "" "DEBIAN;NEEDS;ARGS" ${ARGN})
  # Dependencies that another package's config file asks for with REQUIRED: check them first,
  # quietly, so that their failure is reported here and not from inside that config file.
  foreach(need ${ARG_NEEDS})
    string(REPLACE "=" ";" parts "${need}")
    list(GET parts 0 need_name)
    list(SUBLIST parts 1 -1 need_pkgs)
    string(REPLACE "," " " need_pkgs "${need_pkgs}")
    find_package(${need_name} QUIET)
    if(NOT ${need_name}_FOUND)
      message(FATAL_ERROR
        "ember: ${name}'s CMake package needs ${need_name}, which was not found.\n"
        "Install the Debian package(s): apt-get install ${need_pkgs}\n"
        "(or run `make deps` as root, which installs everything scripts/install-deps.sh lists).")
    endif()
  endforeach()
  find_package(${name} ${ARG_ARGS} QUIET)
  if(NOT ${name}_FOUND)
    string(REPLACE ";" " " pkgs "${ARG_DEBIAN}")
    message(FATAL_ERROR
      "ember: required dependency ${name} was not found.\n"
      "Install the Debian package(s): apt-get install ${pkgs}\n"
      "(or run `make deps` as root, which installs everything scripts/install-deps.sh lists).")
  endif()
  # Make imported targets and variables visible to the caller, as find_package would.
  foreach(var ${name}_FOUND ${name}_VERSION ${name}_INCLUDE_DIRS ${name}_LIBRARIES)
    if(DEFINED ${var})
      set(${var} "${${var}}" PARENT_SCOPE)
    endif()
  endforeach()
endfunction()

# ember_optional_package(<Name> DEBIAN <pkg...> FOR <what> [ARGS <find_package args>])
#
# find_package for a dependency that only one optional part needs (a comm plugin). Sets
# <Name>_FOUND in the caller; when it is missing, configure goes on and says what is not built
# and which Debian packages would build it. scripts/install-deps.sh installs them.
function(ember_optional_package name)
  cmake_parse_arguments(ARG "" "FOR" "DEBIAN;ARGS" ${ARGN})
  find_package(${name} ${ARG_ARGS} QUIET)
  if(NOT ${name}_FOUND)
    string(REPLACE ";" " " pkgs "${ARG_DEBIAN}")
    message(STATUS "ember: ${name} not found: ${ARG_FOR} is not built (apt-get install ${pkgs})")
  endif()
  foreach(var ${name}_FOUND ${name}_VERSION ${name}_INCLUDE_DIRS ${name}_LIBRARIES)
    if(DEFINED ${var})
      set(${var} "${${var}}" PARENT_SCOPE)
    endif()
  endforeach()
endfunction()
