/*
 * fuzz-vnc-copyrect.c - libFuzzer target for vnc/decode.c's copyrect decoder
 * (see fuzz-vnc-common.h for the input's shape).
 */
#include "fuzz-vnc-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_rects(data, size, VNC_ENC_COPYRECT);
}
