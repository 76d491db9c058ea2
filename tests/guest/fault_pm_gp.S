/* Guest fault: a CPU exception in protected mode (#GP from loading a selector beyond the GDT limit) with
 * no IDT to handle it: on a real PC this ends in a triple fault. */
        .include "lib.inc"
        .include "pm.inc"
main:
        PRINT   "pm\r\n"
        ENTER_PM32
        movw    $0x0058, %ax
        .org    0x200, 0x90            /* fault_here = 0000:7E00 (linear 0x7E00) */
fault_here:
        movw    %ax, %ds
        cli
        hlt
