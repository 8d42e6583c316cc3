/*
 * ringcache-delayq: holds every packet an iptables NFQUEUE rule hands it for a random delay, then
 * lets it go; drops a share of them if told to. The fault suite's latency nemesis runs one in a
 * node's network namespace (chaos/README.md, "Latency and reordering").
 *
 * Why this exists: tc's netem qdisc is the usual tool for delay and reordering, and the kernels the
 * suite runs on are built without it (CONFIG_NET_SCH_NETEM is not set). NFQUEUE is built in, and
 * libnetfilter_queue (Debian's libnetfilter-queue-dev) does the netlink work; what is left, and
 * written here, is the delay itself: a min-heap of (release time, packet id).
 *
 *   usage: ringcache-delayq QUEUE DELAY_MS JITTER_MS LOSS_PERCENT SEED
 *
 * Each packet is released DELAY_MS +- JITTER_MS (uniform, at least 0) after it arrived, so with a
 * jitter wider than the gap between two packets the later one can leave first: reordering. A
 * packet is dropped instead with probability LOSS_PERCENT / 100. The queue is created fail-open
 * (a full queue lets packets pass), and the rule that feeds it should say --queue-bypass, so
 * packets flow undelayed when this process is gone. On SIGTERM or SIGINT every held packet is
 * released at once and the process exits 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h> /* NF_ACCEPT, NF_DROP; after arpa/inet.h, which it must not redefine */
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

struct held {
    uint64_t due_ns;
    uint32_t id;
};

static struct held *heap;
static size_t heap_len, heap_cap;
static uint64_t delay_ns, jitter_ns;
static uint32_t loss_per_million;
static uint64_t rng;
static volatile sig_atomic_t stopping;
static struct nfq_q_handle *queue;
static unsigned long long passed, dropped;

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t) t.tv_sec * 1000000000ull + (uint64_t) t.tv_nsec;
}

/* xorshift64*: reproducible draws from the seed, no libc state. */
static uint64_t next_random(void) {
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Dull;
}

static void push(uint64_t due_ns, uint32_t id) {
    if (heap_len == heap_cap) {
        heap_cap = heap_cap ? heap_cap * 2 : 4096;
        heap = realloc(heap, heap_cap * sizeof *heap);
        if (!heap) {
            perror("ringcache-delayq: realloc");
            exit(2);
        }
    }
    size_t i = heap_len++;
    while (i > 0 && heap[(i - 1) / 2].due_ns > due_ns) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i].due_ns = due_ns;
    heap[i].id = id;
}

static struct held pop(void) {
    struct held top = heap[0];
    struct held last = heap[--heap_len];
    size_t i = 0;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= heap_len) {
            break;
        }
        if (child + 1 < heap_len && heap[child + 1].due_ns < heap[child].due_ns) {
            child++;
        }
        if (heap[child].due_ns >= last.due_ns) {
            break;
        }
        heap[i] = heap[child];
        i = child;
    }
    if (heap_len > 0) {
        heap[i] = last;
    }
    return top;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *data) {
    (void) msg;
    (void) data;
    struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
    if (!ph) {
        return 0;
    }
    uint32_t id = ntohl(ph->packet_id);
    if (loss_per_million && next_random() % 1000000 < loss_per_million) {
        dropped++;
        return nfq_set_verdict(qh, id, NF_DROP, 0, NULL);
    }
    uint64_t low = delay_ns > jitter_ns ? delay_ns - jitter_ns : 0;
    uint64_t span = delay_ns + jitter_ns - low;
    uint64_t wait = low + (span ? next_random() % (span + 1) : 0);
    push(now_ns() + wait, id);
    return 0;
}

static void release_due(uint64_t now) {
    while (heap_len > 0 && heap[0].due_ns <= now) {
        struct held h = pop();
        nfq_set_verdict(queue, h.id, NF_ACCEPT, 0, NULL);
        passed++;
    }
}

static void on_signal(int sig) {
    (void) sig;
    stopping = 1;
}

static long parse(const char *what, const char *text, long min, long max) {
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || *end || v < min || v > max) {
        fprintf(stderr, "ringcache-delayq: %s must be a whole number in %ld..%ld, not '%s'\n", what, min, max, text);
        exit(64);
    }
    return v;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: ringcache-delayq QUEUE DELAY_MS JITTER_MS LOSS_PERCENT SEED\n");
        return 64;
    }
    uint16_t queue_num = (uint16_t) parse("QUEUE", argv[1], 0, 65535);
    delay_ns = (uint64_t) parse("DELAY_MS", argv[2], 0, 60000) * 1000000ull;
    jitter_ns = (uint64_t) parse("JITTER_MS", argv[3], 0, 60000) * 1000000ull;
    loss_per_million = (uint32_t) parse("LOSS_PERCENT", argv[4], 0, 100) * 10000u;
    rng = (uint64_t) strtoull(argv[5], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    struct nfq_handle *h = nfq_open();
    if (!h) {
        perror("ringcache-delayq: nfq_open");
        return 2;
    }
    queue = nfq_create_queue(h, queue_num, &on_packet, NULL);
    if (!queue) {
        perror("ringcache-delayq: nfq_create_queue (is another process bound to this queue?)");
        nfq_close(h);
        return 2;
    }
    if (nfq_set_mode(queue, NFQNL_COPY_META, 0) < 0) {
        perror("ringcache-delayq: nfq_set_mode");
        return 2;
    }
    nfq_set_queue_maxlen(queue, 1 << 16);
    nfq_set_queue_flags(queue, NFQA_CFG_F_FAIL_OPEN, NFQA_CFG_F_FAIL_OPEN);
    int fd = nfq_fd(h);
    int on = 1;
    /* Under a burst the socket may overrun; the kernel then fails open rather than reporting ENOBUFS. */
    setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &on, sizeof on);
    nfnl_rcvbufsiz(nfq_nfnlh(h), 8 << 20);
    printf("ringcache-delayq: queue %u, delay %llu ms +- %llu ms, loss %u per million\n", queue_num,
           (unsigned long long) (delay_ns / 1000000), (unsigned long long) (jitter_ns / 1000000), loss_per_million);
    fflush(stdout);

    static char buf[1 << 16] __attribute__((aligned));
    while (!stopping) {
        uint64_t now = now_ns();
        release_due(now);
        int timeout_ms = -1;
        if (heap_len > 0) {
            uint64_t at = now_ns();
            uint64_t wait = heap[0].due_ns > at ? heap[0].due_ns - at : 0;
            /* Rounded up: a packet leaves at most a millisecond late, and the loop never spins. */
            timeout_ms = (int) ((wait + 999999) / 1000000);
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int ready = poll(&p, 1, timeout_ms);
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("ringcache-delayq: poll");
            break;
        }
        if (ready > 0) {
            for (;;) {
                ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
                if (n <= 0) {
                    break;
                }
                nfq_handle_packet(h, buf, (int) n);
            }
        }
    }
    release_due(UINT64_MAX);
    fprintf(stderr, "ringcache-delayq: stopping; %llu packets passed, %llu dropped\n", passed, dropped);
    nfq_destroy_queue(queue);
    nfq_close(h);
    return 0;
}
