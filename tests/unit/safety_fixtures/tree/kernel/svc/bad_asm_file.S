/* SPDX-License-Identifier: MPL-2.0 */  /* EXPECT: R1 */
/* Fixture: a service must not carry assembly sources. */
    .text
    nop
