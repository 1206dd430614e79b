// SPDX-License-Identifier: GPL-3.0-or-later
#include "noteslane.h"
#include "pictureexport.h"
#include "pictures.h"
#include "sequencepainter.h"
#include "sequenceview.h"
#include "testrun.h"
#include "tracefiles.h"
#include "tracequeries.h"

#include <QImage>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTest>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

qint64 firstOf(const Trace& trace, const std::function<bool(const Message&)>& wanted)
{
    for (const Message& m : trace.messages()) {
        if (wanted(m))
            return m.seq;
    }
    return -1;
}

ExportOptions textbookOptions()
{
    ExportOptions options;
    options.detail = DetailLevel::Textbook;
    return options;
}

// The texts an SVG draws, as its <text> elements hold them.
QStringList svgTexts(const QByteArray& svg)
{
    QStringList texts;
    const QString text = QString::fromUtf8(svg);
    static const QRegularExpression element(QStringLiteral("<text[^>]*>([^<]*)</text>"));
    for (auto it = element.globalMatch(text); it.hasNext();)
        texts.append(it.next().captured(1).trimmed());
    return texts;
}

} // namespace

// The view and the picture exports at both detail levels, on a real long-polling run: TCP connects,
// held polls, data and timeouts.
class TestDetailLevels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_run = startRun(QStringLiteral("long-polling"),
            { QStringLiteral("latency=30ms"), QStringLiteral("arrivals=fixed"), QStringLiteral("hold=150ms"),
                QStringLiteral("produce=400ms") });
        QVERIFY(m_run);
        const Trace& trace = *m_run->trace();
        const auto answered = [&](bool items) {
            return std::any_of(trace.messages().begin(), trace.messages().end(), [&](const Message& m) {
                return m.kind == Message::Kind::HttpResponse && m.state == Message::State::Delivered
                    && (items ? m.carriesItems() : m.fields.status == 204);
            });
        };
        QVERIFY(waitUntil([&] { return answered(true) && answered(false); }, 20000));
        QVERIFY(stopAndWait(*m_run));
    }

    void theViewHidesThePlumbingInTextbook()
    {
        const Trace& trace = *m_run->trace();
        const qint64 connect = firstOf(trace, [](const Message& m) { return m.kind == Message::Kind::Connect; });
        const qint64 request = firstOf(trace, [](const Message& m) { return m.kind == Message::Kind::HttpRequest; });
        QVERIFY(connect >= 0 && request >= 0);

        SequenceView view;
        view.resize(900, 700);
        view.setTrace(m_run->trace());
        view.setFollowing(false);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.detail(), DetailLevel::Wire);
        view.selectMessage(request); // scrolls the start of the run into view
        QCoreApplication::processEvents();
        QVERIFY(!view.arrowInViewport(connect).isNull());
        const QImage wire = view.viewport()->grab().toImage();

        view.setDetail(DetailLevel::Textbook);
        QCoreApplication::processEvents();
        QCOMPARE(view.detail(), DetailLevel::Textbook);
        QVERIFY(view.arrowInViewport(connect).isNull());
        QVERIFY(!view.arrowInViewport(request).isNull());
        const QImage textbook = view.viewport()->grab().toImage();
        QVERIFY(pixelDifference(wire, textbook) > 200);

        // What the diagram holds: every message but the plumbing, over the whole run.
        const SequenceGeometry& geometry = view.geometry();
        const QList<qint64> drawn
            = geometry.messagesInBand(0, geometry.contentHeight(trace.endTime()), trace.endTime());
        qsizetype plumbing = 0;
        for (const Message& m : trace.messages()) {
            const bool hidden = m.kind == Message::Kind::Connect || m.kind == Message::Kind::Close;
            plumbing += hidden;
            QVERIFY2(drawn.contains(m.seq) != hidden, qPrintable(m.label));
        }
        QVERIFY(plumbing > 0);

        // The filter bar's kinds apply on top: both limits hold at once, and either can be lifted.
        view.setKindFilter([](const Message& m) { return m.kind != Message::Kind::HttpResponse; });
        for (const Message& m : trace.messages()) {
            const bool shown = m.kind == Message::Kind::HttpRequest;
            QVERIFY2(geometry.isShown(m) == shown, qPrintable(m.label));
        }
        view.setKindFilter({});

        view.setDetail(DetailLevel::Wire);
        QCoreApplication::processEvents();
        QVERIFY(!view.arrowInViewport(connect).isNull());
        QCOMPARE(pixelDifference(wire, view.viewport()->grab().toImage()), 0);
    }

    void thePainterSaysTheStepsInTheTextbooksWords()
    {
        const Trace& trace = *m_run->trace();
        SequenceGeometry geometry;
        geometry.setTrace(&trace);
        const Theme theme = Theme::fromPalette(QPalette());
        SequencePainter painter(geometry, theme);
        for (const Message& m : trace.messages())
            QCOMPARE(painter.labelText(m), m.label);
        const auto activationEntries = [&] {
            QStringList texts;
            const NotesLane& lane = painter.notesLane();
            for (const NotesLane::Entry& e : lane.entries(geometry)) {
                if (e.kind == NotesLane::Entry::Kind::Activation)
                    texts.append(lane.text(geometry, e, trace.endTime()));
            }
            return texts;
        };
        QVERIFY(activationEntries().isEmpty());

        painter.setDetail(DetailLevel::Textbook);
        for (const Message& m : trace.messages()) {
            QCOMPARE(painter.labelText(m), Textbook::label(m));
            if (m.kind == Message::Kind::HttpResponse && m.fields.status == 204)
                QCOMPARE(painter.labelText(m), QStringLiteral("Response (no data)"));
            if (m.kind == Message::Kind::HttpResponse && m.carriesItems())
                QCOMPARE(painter.labelText(m), QStringLiteral("Response (data ready)"));
        }
        // Each held poll has its note in the lane, as the seed's diagram writes it beside the server.
        QVERIFY(!trace.activations().empty());
        const QStringList held = activationEntries();
        QCOMPARE(held.size(), qsizetype(trace.activations().size()));
        for (const QString& text : held)
            QCOMPARE(text, QStringLiteral("Wait until data is ready"));

        Message lost
            = trace.message(firstOf(trace, [](const Message& m) { return m.kind == Message::Kind::HttpRequest; }));
        lost.state = Message::State::Lost;
        painter.setAsOf(lost.receivedAt - 1); // not lost yet, as of then
        QCOMPARE(painter.labelText(lost), QStringLiteral("Request"));
        painter.setAsOf(trace.endTime());
        QCOMPARE(painter.labelText(lost), QStringLiteral("Request · lost"));
    }

    void picturesAtEachLevel()
    {
        QTemporaryDir dir;
        const Trace& trace = *m_run->trace();
        FileError error;
        const QString wirePath = dir.filePath(QStringLiteral("wire.svg"));
        QVERIFY2(
            PictureExport::write(trace, {}, PictureExport::Format::Svg, wirePath, &error), qPrintable(error.message));
        const QString textbookPath = dir.filePath(QStringLiteral("textbook.svg"));
        QVERIFY2(
            PictureExport::write(trace, {}, PictureExport::Format::Svg, textbookPath, &error, {}, textbookOptions()),
            qPrintable(error.message));
        const QStringList wire = svgTexts(readFile(wirePath));
        const QStringList textbook = svgTexts(readFile(textbookPath));

        QVERIFY(wire.contains(QStringLiteral("GET /poll?since=0")));
        QVERIFY(!wire.contains(QStringLiteral("Request")));
        QVERIFY(!wire.contains(QStringLiteral("Wait until data is ready")));
        for (const QString& word : { QStringLiteral("Request"), QStringLiteral("Response (data ready)"),
                 QStringLiteral("Response (no data)"), QStringLiteral("Wait until data is ready") })
            QVERIFY2(textbook.contains(word), qPrintable(word));
        for (const QString& text : textbook)
            QVERIFY2(!text.startsWith(QLatin1String("GET /poll")) && !text.startsWith(QLatin1String("TCP ")),
                qPrintable(text));

        // The same words in PNG and PDF: drawn by the same painter, so only their being written is checked.
        for (const auto& [format, name] : { std::pair { PictureExport::Format::Png, QStringLiteral("t.png") },
                 std::pair { PictureExport::Format::Pdf, QStringLiteral("t.pdf") } }) {
            QVERIFY2(PictureExport::write(trace, {}, format, dir.filePath(name), &error, {}, textbookOptions()),
                qPrintable(error.message));
        }
        QVERIFY(!QImage(dir.filePath(QStringLiteral("t.png"))).isNull());
    }

    // An event stream: its heartbeats are plumbing, its pinned label says how it was opened in the level's words.
    void streamsAtEachLevel()
    {
        auto run = startRun(QStringLiteral("server-sent-events"),
            { QStringLiteral("latency=30ms"), QStringLiteral("arrivals=fixed"), QStringLiteral("heartbeat=100ms"),
                QStringLiteral("produce=150ms") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        const auto count = [&](const QString& start) {
            return std::count_if(trace.messages().begin(), trace.messages().end(),
                [&](const Message& m) { return m.state == Message::State::Delivered && m.label.startsWith(start); });
        };
        QVERIFY(waitUntil(
            [&] { return count(QStringLiteral(": heartbeat")) >= 2 && count(QStringLiteral("event:")) >= 3; }));
        QVERIFY(stopAndWait(*run));

        SequenceGeometry geometry;
        geometry.setTrace(&trace);
        QVERIFY(!geometry.streams().empty());
        NotesLane lane;
        const auto streamTexts = [&] {
            QStringList texts;
            for (size_t index : lane.streamEntries(geometry))
                texts.append(lane.text(geometry, lane.entries(geometry)[index], trace.endTime()));
            return texts;
        };
        const QStringList wire = streamTexts();
        QVERIFY(!wire.isEmpty());
        for (const QString& text : wire)
            QVERIFY2(text.startsWith(QStringLiteral("GET /events")), qPrintable(text));
        lane.setDetail(DetailLevel::Textbook);
        for (const QString& text : streamTexts())
            QCOMPARE(text, QStringLiteral("Connection established"));

        QTemporaryDir dir;
        FileError error;
        const QString path = dir.filePath(QStringLiteral("sse.svg"));
        QVERIFY2(PictureExport::write(trace, {}, PictureExport::Format::Svg, path, &error, {}, textbookOptions()),
            qPrintable(error.message));
        const QStringList texts = svgTexts(readFile(path));
        QVERIFY(texts.contains(QStringLiteral("Send update")));
        QVERIFY(texts.contains(QStringLiteral("Connection established")));
        for (const QString& text : texts)
            QVERIFY2(!text.contains(QStringLiteral("heartbeat")) && !text.startsWith(QStringLiteral("GET /events"))
                    && !text.startsWith(QStringLiteral("event:")),
                qPrintable(text));
    }

    // A poll held longer than the view is tall: once its start has scrolled away, its note stays pinned at
    // the top of the lane while the hold goes on, as an open stream's label does.
    void aLongHoldKeepsItsNoteInView()
    {
        auto run = startRun(QStringLiteral("long-polling"),
            { QStringLiteral("latency=30ms"), QStringLiteral("hold=2s"), QStringLiteral("produce=600s") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        const auto timedOut = [&] {
            return std::any_of(trace.messages().begin(), trace.messages().end(),
                [](const Message& m) { return m.fields.status == 204 && m.state == Message::State::Delivered; });
        };
        QVERIFY(waitUntil(timedOut, 20000));
        QVERIFY(stopAndWait(*run));
        const Activation* hold = nullptr;
        for (const Activation& a : trace.activations()) {
            if (a.end != NoTime && a.end - a.start >= 1'900'000)
                hold = &a;
        }
        QVERIFY(hold);

        const auto laneTop = [&](DetailLevel detail) {
            SequenceView view;
            view.resize(900, 400);
            view.setTrace(run->trace());
            view.setDetail(detail);
            view.setFollowing(false);
            view.setZoom(4.0); // the two-second hold is far taller than the view
            view.show();
            if (!QTest::qWaitForWindowExposed(&view))
                return QImage();
            const SequenceGeometry& geometry = view.geometry();
            const double middle = geometry.timeToY((hold->start + hold->end) / 2);
            view.verticalScrollBar()->setValue(int(middle) - 150);
            QCoreApplication::processEvents();
            const QImage image = view.viewport()->grab().toImage();
            const double left = geometry.laneLeft(SequenceGeometry::Lane::Right) - view.horizontalScrollBar()->value();
            // The top rows of the right-hand lane, just under the participants' boxes.
            return image.copy(QRect(int(left), int(SequencePainter::HeaderHeight) + 2, 150, 40));
        };
        const QImage wire = laneTop(DetailLevel::Wire);
        const QImage textbook = laneTop(DetailLevel::Textbook);
        QVERIFY(!wire.isNull() && !textbook.isNull());
        QCOMPARE(Test::distinctColours(wire, 1), 1); // nothing there at the Wire level
        QVERIFY2(pixelDifference(wire, textbook) > 150, qPrintable(QString::number(pixelDifference(wire, textbook))));
    }

private:
    std::unique_ptr<Run> m_run;
};

QTEST_MAIN(TestDetailLevels)
#include "tst_detaillevels.moc"
