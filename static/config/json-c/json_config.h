/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json-c 0.16's installed json_config.h, for the static json-c (static/build.sh). */
#define JSON_C_HAVE_INTTYPES_H 1
