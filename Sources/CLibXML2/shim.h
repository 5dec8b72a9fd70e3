#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU, and its encoding header then includes
 * ICU's, whose UErrorCode clashes with Foundation's own ICU in any module
 * that sees both. logbook uses none of the ICU-only declarations (the
 * converter fields at the end of xmlCharEncodingHandler), so hide them. */
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
