package io.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * 1-D pooling along the time axis of a sequence, on a {@link Layer} field: the maximum or mean of
 * each window of steps, per channel. Output length follows {@link Conv1D}'s rule without padding
 * or dilation.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Pool1D {
    /** Window length in steps; positive. */
    int kernel() default 2;

    /** Step between windows; 0 means the window length (windows that do not overlap). */
    int stride() default 0;

    /** Pads so that the output has {@code ceil(in / stride)} steps. */
    boolean same() default false;

    Pooling type() default Pooling.MAX;
}
