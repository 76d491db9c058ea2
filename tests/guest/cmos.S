/* CMOS/RTC through ports 70h/71h: status A (UIP clear), status B, and time registers that read the same
 * twice in a row (iPXE's rtc_time re-reads until two readings agree) and are valid BCD. */
        .include "lib.inc"
main:
        movb    $0x0a, %al
        call    cmos
        PHEX8   "A=", %al
        movb    $0x0b, %al
        call    cmos
        PHEX8   " B=", %al
        call    readtime
        movl    %ebx, %esi
        call    readtime
        PHEX32  " time=", %ebx
        cmpl    %ebx, %esi
        jne     1f
        PRINT   " stable"
        jmp     2f
1:      PHEX32  " UNSTABLE first=", %esi
2:      /* BCD check: every nibble of the three bytes is 0-9. */
        movw    $6, %cx
        movl    %ebx, %eax
1:      movb    %al, %dl
        andb    $0x0f, %dl
        cmpb    $9, %dl
        ja      3f
        shrl    $4, %eax
        loop    1b
        PRINT   " bcd=ok\r\n"
        EXIT
3:      PRINT   " bcd=BAD\r\n"
        EXIT

/* cmos: AL = CMOS register AL. */
cmos:
        outb    %al, $0x70
        inb     $0x71, %al
        ret
/* readtime: EBX = hours<<16 | minutes<<8 | seconds. */
readtime:
        xorl    %ebx, %ebx
        movb    $0x04, %al
        call    cmos
        movb    %al, %bl
        shll    $8, %ebx
        movb    $0x02, %al
        call    cmos
        movb    %al, %bl
        shll    $8, %ebx
        movb    $0x00, %al
        call    cmos
        movb    %al, %bl
        ret
