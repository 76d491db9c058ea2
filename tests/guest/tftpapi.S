/* The base code's TFTP and UDP services against a real TFTP server (libslirp's, at 10.0.2.2): the
 * iPXE-extension probe PXELINUX sends, GET_FSIZE, OPEN/READ/CLOSE block by block, a missing file,
 * READ_FILE into extended memory, UDP_OPEN/WRITE/READ/CLOSE carrying a TFTP request by hand, and what
 * UNLOAD_STACK leaves of it all. The test serves hello.txt (1300 bytes: 'A'..'Z' repeated). */
        .include "lib.inc"
        .equ    PARAMS, 0x0600
        .equ    BUF, 0x1000
        .equ    SERVER, 0x0202000a      /* 10.0.2.2 as IP4_t (network byte order in memory) */

/* CLEAR: zero the 256-byte parameter block and point ES:DI at it. */
.macro CLEAR
        xorw    %ax, %ax
        movw    %ax, %es
        movw    $PARAMS, %di
        movw    $128, %cx
        rep stosw
        movw    $PARAMS, %di
.endm
/* NAME at, "text": a NUL-terminated file name into the parameter block. */
.macro NAME at, text
        pushw   %si
        pushw   %di
        movw    $.Lname\@, %si
        movw    $\at, %di
1:      lodsb
        stosb
        testb   %al, %al
        jnz     1b
        popw    %di
        popw    %si
        .subsection 1
.Lname\@: .asciz "\text"
        .subsection 0
.endm

main:
        /* FILE_API_CHECK (00E6h): gPXE/iPXE's probe. A vendor ROM fails it and leaves Magic alone. */
        CLEAR
        movw    $0x14, PARAMS+2
        movl    $0x91d447b2, PARAMS+4
        movw    $0x00e6, %bx
        call    pxe_call_s
        PHEX16  "apicheck ax=", %ax
        PHEX16  " st=", PARAMS
        PHEX32  " magic=", PARAMS+4
        call    nl

        /* TFTP_GET_FSIZE (0025h). */
        CLEAR
        movl    $SERVER, PARAMS+2
        NAME    PARAMS+0x0a, "hello.txt"
        movw    $0x0025, %bx
        call    pxe_call_s
        PHEX16  "fsize ax=", %ax
        PHEX16  " st=", PARAMS
        PHEX32  " size=", PARAMS+0x8a
        call    nl

        /* TFTP_OPEN (0020h) with 512-byte packets, then TFTP_READ (0022h) until a short block. */
        CLEAR
        movl    $SERVER, PARAMS+2
        NAME    PARAMS+0x0a, "hello.txt"
        movw    $0x4500, PARAMS+0x8a    /* port 69, network byte order */
        movw    $512, PARAMS+0x8c
        movw    $0x0020, %bx
        call    pxe_call_s
        PHEX16  "open ax=", %ax
        PHEX16  " st=", PARAMS
        PHEX16  " pkt=", PARAMS+0x8c
        call    nl
        /* A second open while one is open. */
        movw    $0x0020, %bx
        call    pxe_call_s
        PHEX16  "open2 ax=", %ax
        PHEX16  " st=", PARAMS
        call    nl
read_loop:
        CLEAR
        movw    $BUF, PARAMS+6
        movw    $0, PARAMS+8
        movw    $0x0022, %bx
        call    pxe_call_s
        PHEX16  "read ax=", %ax
        PHEX16  " st=", PARAMS
        PHEX16  " n=", PARAMS+2
        PHEX16  " size=", PARAMS+4
        PHEX8   " first=", BUF
        call    nl
        testw   %ax, %ax
        jnz     read_done
        cmpw    $512, PARAMS+4
        je      read_loop
read_done:
        CLEAR
        movw    $0x0021, %bx
        call    pxe_call_s
        PHEX16  "close ax=", %ax
        PHEX16  " st=", PARAMS
        /* Closing again: nothing is open. */
        movw    $0x0021, %bx
        call    pxe_call_s
        PHEX16  " close2 st=", PARAMS
        call    nl

        /* A file the server does not have. */
        CLEAR
        movl    $SERVER, PARAMS+2
        NAME    PARAMS+0x0a, "missing.txt"
        movw    $512, PARAMS+0x8c
        movw    $0x0020, %bx
        call    pxe_call_s
        PHEX16  "missing ax=", %ax
        PHEX16  " st=", PARAMS
        call    nl

        /* TFTP_READ_FILE (0023h) into 2000:0000 (physical 0x20000), 64 KiB allowed. */
        CLEAR
        NAME    PARAMS+2, "hello.txt"
        movl    $0x10000, PARAMS+0x82
        movl    $0x20000, PARAMS+0x86
        movl    $SERVER, PARAMS+0x8a
        movw    $0x0023, %bx
        call    pxe_call_s
        PHEX16  "readfile ax=", %ax
        PHEX16  " st=", PARAMS
        PHEX32  " size=", PARAMS+0x82
        pushw   %es
        movw    $0x2000, %ax
        movw    %ax, %es
        PHEX8   " first=", %es:0
        PHEX8   " last=", %es:1299
        popw    %es
        call    nl

        /* UDP: open, a TFTP read request for hello.txt by hand from port 2000, poll for the answer. */
        CLEAR
        movw    $0x0030, %bx
        call    pxe_call_s
        PHEX16  "udpopen ax=", %ax
        PHEX16  " st=", PARAMS
        movw    $0x0030, %bx
        call    pxe_call_s
        PHEX16  " again st=", PARAMS
        call    nl
        movw    $0x0100, BUF            /* RRQ */
        NAME    BUF+2, "hello.txt"
        NAME    BUF+12, "octet"
        CLEAR
        movl    $SERVER, PARAMS+2
        movw    $0xd007, PARAMS+0x0a    /* src_port 2000 */
        movw    $0x4500, PARAMS+0x0c    /* dst_port 69 */
        movw    $18, PARAMS+0x0e
        movw    $BUF, PARAMS+0x10
        movw    $0x0033, %bx
        call    pxe_call_s
        PHEX16  "udpwrite ax=", %ax
        PHEX16  " st=", PARAMS
        call    nl
        movw    $0, %cx                 /* polls until the answer is there */
udp_poll:
        incw    %cx
        pushw   %cx
        CLEAR
        movw    $0xd007, PARAMS+0x0c    /* d_port filter: 2000 */
        movw    $1500, PARAMS+0x0e
        movw    $0x2000, PARAMS+0x10
        movw    $0, PARAMS+0x12
        movw    $0x0032, %bx
        call    pxe_call_s
        popw    %cx
        testw   %ax, %ax
        jz      udp_got
        cmpw    $60000, %cx
        jb      udp_poll
udp_got:
        PHEX16  "udpread ax=", %ax
        PHEX16  " st=", PARAMS
        PHEX32  " from=", PARAMS+2
        PHEX32  " to=", PARAMS+6
        PHEX16  " dport=", PARAMS+0x0c
        PHEX16  " size=", PARAMS+0x0e
        PHEX32  " head=", 0x2000
        call    nl
        CLEAR
        movw    $0x0031, %bx
        call    pxe_call_s
        PHEX16  "udpclose ax=", %ax
        PHEX16  " st=", PARAMS
        movw    $0x0032, %bx
        call    pxe_call_s
        PHEX16  " readclosed st=", PARAMS
        call    nl

        /* UNLOAD_STACK (0070h): the base code is gone, and its services with it. */
        CLEAR
        movw    $0x0070, %bx
        call    pxe_call_s
        PHEX16  "unload ax=", %ax
        PHEX16  " st=", PARAMS
        CLEAR
        movl    $SERVER, PARAMS+2
        NAME    PARAMS+0x0a, "hello.txt"
        movw    $512, PARAMS+0x8c
        movw    $0x0020, %bx
        call    pxe_call_s
        PHEX16  " tftp ax=", %ax
        CLEAR
        movw    $0x0030, %bx
        call    pxe_call_s
        PHEX16  " udp ax=", %ax
        CLEAR
        movw    $2, PARAMS+2
        movw    $0x0071, %bx
        call    pxe_call_s
        PHEX16  " cached ax=", %ax
        call    nl
        EXIT
