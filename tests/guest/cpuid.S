/* CPUID: leaf 0 vendor, extended leaves, and 80000007h EDX bit 8 (invariant TSC) clear. */
        .include "lib.inc"
main:
        xorl    %eax, %eax
        cpuid
        PHEX32  "max=", %eax
        movl    %ebx, vendor
        movl    %edx, vendor+4
        movl    %ecx, vendor+8
        PRINT   " vendor="
        movw    $vendor, %si
        call    puts
        movl    $0x80000000, %eax
        cpuid
        PHEX32  " maxext=", %eax
        movl    $0x80000007, %eax
        cpuid
        PHEX32  " 80000007.edx=", %edx
        btl     $8, %edx
        jc      1f
        PRINT   " invariant-tsc=no\r\n"
        jmp     2f
1:      PRINT   " invariant-tsc=yes\r\n"
2:      EXIT
vendor: .fill   13, 1, 0
