# SPDX-License-Identifier: GPL-3.0-or-later
# The layers' direction, checked when the project is configured: a target that must never reach a
# library (the widgets and Qt Network, say) fails the configure step if it does, directly or through
# anything it links.

# Every target `target` links, directly or not, into the variable `out`.
function(patternscope_link_closure target out)
    set(seen "")
    set(todo ${target})
    while(todo)
        list(POP_FRONT todo current)
        if(current IN_LIST seen OR NOT TARGET ${current})
            continue()
        endif()
        list(APPEND seen ${current})
        get_target_property(aliased ${current} ALIASED_TARGET)
        if(aliased)
            list(APPEND todo ${aliased})
        endif()
        foreach(property LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
            get_target_property(libraries ${current} ${property})
            if(NOT libraries)
                continue()
            endif()
            foreach(library IN LISTS libraries)
                # $<LINK_ONLY:X> (a static library's private dependency) and $<LINK_LIBRARY:F,X> still link X.
                string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" library "${library}")
                string(REGEX REPLACE "^\\$<LINK_LIBRARY:[A-Z_]+,(.*)>$" "\\1" library "${library}")
                list(APPEND todo ${library})
            endforeach()
        endforeach()
    endwhile()
    set(${out} ${seen} PARENT_SCOPE)
endfunction()

# Fails the configure step when `target` reaches any of the FORBIDDEN targets.
function(patternscope_forbid_links target)
    cmake_parse_arguments(ARG "" "" "FORBIDDEN" ${ARGN})
    patternscope_link_closure(${target} closure)
    foreach(forbidden IN LISTS ARG_FORBIDDEN)
        if(forbidden IN_LIST closure)
            message(FATAL_ERROR "${target} links ${forbidden}, which its layer must not reach "
                "(dependencies point app → widgets → core/files; app → catalog → network → core)")
        endif()
    endforeach()
endfunction()
