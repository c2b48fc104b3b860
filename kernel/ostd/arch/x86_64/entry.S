// SPDX-License-Identifier: MPL-2.0
// Trap, interrupt and syscall entry; user-mode entry/exit; context switch; fault-recovering user copy.

#define PCPU_USER_RSP      8
#define PCPU_UCTX_TOP      16
#define PCPU_RESUME_RSP    24
#define USER_CS            0x33
#define USER_DS            0x2b
#define VEC_SYSCALL        256
#define USER_EXIT_SYSCALL_NR 1     // enum user_exit's USER_EXIT_SYSCALL (checked in user.c)

.macro PUSH_GPRS
    push %rdi
    push %rsi
    push %rdx
    push %rcx
    push %rax
    push %r8
    push %r9
    push %r10
    push %r11
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
.endm

.macro POP_GPRS
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rax
    pop %rcx
    pop %rdx
    pop %rsi
    pop %rdi
.endm

    .text
// Interrupt stubs: each pushes a dummy error code when the CPU does not, then its vector.
    .balign 16
    .globl isr_stubs
isr_stubs:
vec = 0
.rept 256
    .balign 16
.if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    pushq $vec
.else
    pushq $0
    pushq $vec
.endif
    jmp trap_common
vec = vec + 1
.endr

trap_common:
    testb $3, 24(%rsp)          // saved CS: from user mode?
    jnz trap_from_user
    PUSH_GPRS
    mov %rsp, %rdi
    cld
    call trap_kernel
    POP_GPRS
    add $16, %rsp
    iretq

// The CPU pushed the frame at TSS.rsp0 = end of the current user_regs; finish filling it.
trap_from_user:
    swapgs
    PUSH_GPRS
    mov %rsp, %rdi
    mov %gs:PCPU_RESUME_RSP, %rsp
    cld
    call user_trap_entered
    jmp user_resume_kernel

    .globl syscall_entry
syscall_entry:
    swapgs
    mov %rsp, %gs:PCPU_USER_RSP
    mov %gs:PCPU_UCTX_TOP, %rsp
    pushq $USER_DS
    pushq %gs:PCPU_USER_RSP
    push %r11
    pushq $USER_CS
    push %rcx
    pushq $0
    pushq $VEC_SYSCALL
    PUSH_GPRS
    mov %gs:PCPU_RESUME_RSP, %rsp
    cld
    mov $USER_EXIT_SYSCALL_NR, %eax     // nothing else to decide for a syscall
    jmp user_resume_kernel

// enum user_exit user_enter(struct user_regs *regs, bool sysret): interrupts must be off.
// sysret: the caller checked regs->rcx == rip (canonical, user half) and
// regs->r11 == rflags (no TF), so SYSRET restores exactly what IRETQ would,
// with CS/SS the fixed user selectors from MSR_STAR. Between loading the user
// RSP and SYSRET only NMI/#MC can arrive, and they run on IST stacks.
    .globl user_enter
user_enter:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    sub $8, %rsp
    mov %rsp, %gs:PCPU_RESUME_RSP
    mov %rdi, %rsp
    test %sil, %sil
    jnz 1f
    POP_GPRS
    add $16, %rsp
    swapgs
    iretq
1:
    POP_GPRS
    mov 40(%rsp), %rsp          // the frame's user RSP (after vector, error, rip, cs, rflags)
    swapgs
    sysretq

user_resume_kernel:
    add $8, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

// void context_switch(uint64_t *prev_rsp, uint64_t next_rsp)
    .globl context_switch
context_switch:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

// First return of a new task: r12 = fn, r13 = arg.
    .globl task_trampoline
task_trampoline:
    mov %r12, %rdi
    mov %r13, %rsi
    call task_entry
    ud2

// size_t copy_user_raw(void *dst, const void *src, size_t n): bytes NOT copied (0 on success).
// Quadwords first (an emulated rep moves one element per iteration), then the
// tail bytes. A fault in the quadword loop retries the rest byte by byte, so
// the count of bytes not copied is exact.
    .globl copy_user_raw
copy_user_raw:
    mov %rdx, %rcx
    shr $3, %rcx
    and $7, %edx
copy_user_qinsn:
    rep movsq
    mov %edx, %ecx
copy_user_insn:
    rep movsb
    xor %eax, %eax
    ret
copy_user_qfixup:
    lea (%rdx,%rcx,8), %rcx
    jmp copy_user_insn
copy_user_fixup:
    mov %rcx, %rax
    ret

// size_t clear_user_raw(void *dst, size_t n): the same split as copy_user_raw.
    .globl clear_user_raw
clear_user_raw:
    mov %rsi, %rcx
    shr $3, %rcx
    and $7, %esi
    xor %eax, %eax
clear_user_qinsn:
    rep stosq
    mov %esi, %ecx
clear_user_insn:
    rep stosb
    ret
clear_user_qfixup:
    lea (%rsi,%rcx,8), %rcx
    jmp clear_user_insn
clear_user_fixup:
    mov %rcx, %rax
    ret

// int cmpxchg_user_raw(uint32_t *uaddr, uint32_t old, uint32_t new, uint32_t *cur):
// 0 with *cur = the value found (== old if new was stored), 1 on a fault.
    .globl cmpxchg_user_raw
cmpxchg_user_raw:
    mov %esi, %eax
cmpxchg_user_insn:
    lock cmpxchg %edx, (%rdi)
    mov %eax, (%rcx)
    xor %eax, %eax
    ret
cmpxchg_user_fixup:
    mov $1, %eax
    ret

    .section .extable, "a"
    .balign 8
    .quad cmpxchg_user_insn, cmpxchg_user_fixup
    .quad copy_user_qinsn, copy_user_qfixup
    .quad copy_user_insn, copy_user_fixup
    .quad clear_user_qinsn, clear_user_qfixup
    .quad clear_user_insn, clear_user_fixup
