package com.example;

import dev.convgen.annotations.ConvSpec;

/** The mission's own line: a depthwise-separable block 32 -> 64 with a 3x3 depthwise stage. */
@ConvSpec(in = 32, out = 64, kernel = 3, stride = 1)
public interface MyNet {}
