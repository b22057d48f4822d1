// smole-pdftext-worker: the layout text of PDFs, read by libpoppler in one long-lived process.
//
// `pdftotext -layout -enc UTF-8 -f F -l L FILE -` runs poppler's TextOutputDev over the pages; this program runs the
// same calls (poppler 22.12's utils/pdftotext.cc: GlobalParams with UTF-8 text encoding, PDFDoc, TextOutputDev with
// physical layout, no fixed pitch, no raw order, displayPages at 72 dpi), so its text is byte for byte pdftotext's
// (checked by a test over the project's own PDFs). What it saves is pdftotext's start-up: loading and relocating
// libpoppler took about two thirds of pdftotext's CPU per one-page document (perf, session 7), paid once here.
//
// The engine (SmoleEngine, TextSources/PDFTextWorker.swift) starts one per concurrent reading and talks over the
// pipes. A worker that crashes or hangs on a document is stopped, and that document is read by pdftotext itself,
// so a bad PDF fails exactly as it did before, in a process of its own.
//
// Protocol (binary-safe; paths may hold any byte but NUL):
//   request:  "<first> <last> <path length>\n" followed by the path's bytes
//   reply:    "ok <text length> <pages in the document>\n" followed by the text (pages end with a form feed), or
//             "error <message length>\n" followed by a message (the document cannot be read; the engine then runs
//             pdftotext, whose exit status and message it reports)
// End of input ends the worker. Poppler's own warnings go to stderr, which the engine discards.
#include <ErrorCodes.h>
#include <GlobalParams.h>
#include <PDFDoc.h>
#include <TextOutputDev.h>
#include <goo/GooString.h>

#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

static void append(void *stream, const char *text, int len) { static_cast<std::string *>(stream)->append(text, len); }

static bool readExactly(std::string &into, size_t n) {
    into.resize(n);
    size_t got = 0;
    while (got < n) {
        size_t r = fread(&into[got], 1, n - got, stdin);
        if (r == 0) return false;
        got += r;
    }
    return true;
}

// Replies go to a private copy of the original stdout; fd 1 itself then points at stderr, so nothing a library
// prints can fall between a reply's header and its text.
static FILE *replies = nullptr;

static void reply(const std::string &head, const std::string &body) {
    fwrite(head.data(), 1, head.size(), replies);
    fwrite(body.data(), 1, body.size(), replies);
    fflush(replies);
}

int main() {
    // the worker ends with the program that started it, even when stuck in a document
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int out = dup(1);
    if (out < 0 || dup2(2, 1) < 0 || !(replies = fdopen(out, "w"))) return 71;  // EX_OSERR
    globalParams = std::make_unique<GlobalParams>();
    globalParams->setTextEncoding("UTF-8");
    char line[128];
    while (fgets(line, sizeof line, stdin)) {
        long first = 0, last = 0;
        unsigned long length = 0;
        if (sscanf(line, "%ld %ld %lu", &first, &last, &length) != 3 || length == 0 || length > 65536) {
            reply("error 15\n", "a bad request\n");
            return 65;  // EX_DATAERR: the framing is lost
        }
        std::string path;
        if (!readExactly(path, length)) return 0;
        PDFDoc doc(std::make_unique<GooString>(path));
        if (!doc.isOk()) {
            std::string why = doc.getErrorCode() == errEncrypted ? "encrypted" : "not a readable PDF";
            reply("error " + std::to_string(why.size()) + "\n", why);
            continue;
        }
        // pdftotext's page range rules
        int pages = doc.getNumPages();
        int f = first < 1 ? 1 : int(first);
        int l = (last < 1 || last > pages) ? pages : int(last);
        if (l < f) {
            std::string why = "wrong page range";
            reply("error " + std::to_string(why.size()) + "\n", why);
            continue;
        }
        std::string text;
        TextOutputDev dev(append, &text, true, 0, false, false);
        if (!dev.isOk()) {
            std::string why = "poppler's text output could not start";
            reply("error " + std::to_string(why.size()) + "\n", why);
            continue;
        }
        doc.displayPages(&dev, f, l, 72, 72, 0, true, false, false);
        reply("ok " + std::to_string(text.size()) + " " + std::to_string(pages) + "\n", text);
    }
    return 0;
}
