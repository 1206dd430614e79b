// SPDX-License-Identifier: GPL-3.0-or-later
#include "comparedialog.h"

#include "parameters.h"
#include "pattern.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHash>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QVBoxLayout>

namespace PatternScope {

namespace {

QSpinBox* spin(QWidget* parent, int min, int max, int value, const QString& suffix, const QString& tip)
{
    auto* box = new QSpinBox(parent);
    box->setRange(min, max);
    box->setValue(value);
    box->setSuffix(suffix);
    box->setToolTip(tip);
    box->setAccelerated(true);
    return box;
}

constexpr int kLatencyMs = 100;
constexpr int kJitterMs = 0;
constexpr int kProduceMs = 2'000;
constexpr int kClients = 1;
constexpr int kPollMs = 2'000;
constexpr int kDurationS = 20;

QString ms(int value)
{
    return QStringLiteral("%1ms").arg(value);
}

} // namespace

CompareDialog::CompareDialog(const QStringList& comparable, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Compare patterns"));
    auto* picks = new QGroupBox(tr("Patterns (%1 to %2)").arg(MinPatterns).arg(MaxPatterns), this);
    auto* picksLayout = new QVBoxLayout(picks);
    for (const QString& id : comparable) {
        const PatternInfo* info = PatternRegistry::find(id);
        auto* box = new QCheckBox(info ? info->title : id, picks);
        box->setObjectName(id);
        if (info)
            box->setToolTip(info->description);
        connect(box, &QCheckBox::toggled, this, &CompareDialog::updateOk);
        picksLayout->addWidget(box);
        m_boxes.append({ id, box });
    }

    auto* workload = new QGroupBox(tr("One workload for all"), this);
    auto* form = new QFormLayout(workload);
    m_seed = new QLineEdit(QStringLiteral("1"), workload);
    m_seed->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{1,19}")), m_seed));
    m_seed->setToolTip(
        tr("The producer's schedule: the same seed gives every pattern the same items at the same times"));
    m_duration = spin(workload, 5, 600, kDurationS, tr(" s"),
        tr("How long items are produced; the runs then go on until the last item has arrived everywhere"));
    m_latency = spin(workload, 0, 10'000, kLatencyMs, tr(" ms"), tr("One-way delay of every link, each direction"));
    m_latency->setSingleStep(50);
    m_jitter
        = spin(workload, 0, 5'000, kJitterMs, tr(" ms"), tr("Random extra or lesser delay per chunk, up to this much"));
    m_jitter->setSingleStep(10);
    m_produce
        = spin(workload, 10, 600'000, kProduceMs, tr(" ms"), tr("Mean time between the items the server produces"));
    m_produce->setSingleStep(100);
    m_clients = spin(
        workload, 1, 5, kClients, QString(), tr("Clients (subscribers) receiving the items, each on its own link"));
    form->addRow(tr("&Seed"), m_seed);
    form->addRow(tr("&Duration"), m_duration);
    form->addRow(tr("&Latency"), m_latency);
    form->addRow(tr("&Jitter"), m_jitter);
    form->addRow(tr("&Item every"), m_produce);
    m_poll = spin(workload, 50, 600'000, kPollMs, tr(" ms"), tr("Short polling: time from one poll to the next"));
    m_poll->setSingleStep(100);
    m_cut = spin(workload, 0, 600, 0, tr(" s"), tr("Cut every client's link at this run time, in every pattern"));
    m_cut->setSpecialValueText(tr("never"));
    form->addRow(tr("&Clients"), m_clients);
    form->addRow(tr("&Poll every"), m_poll);
    form->addRow(tr("C&ut links at"), m_cut);

    m_hint = new QLabel(this);
    m_hint->setWordWrap(true);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Compare"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    row->addWidget(picks);
    row->addWidget(workload, 1);
    layout->addLayout(row);
    layout->addWidget(m_hint);
    layout->addWidget(m_buttons);

    QStringList first;
    for (const char* id : { "short-polling", "long-polling", "server-sent-events" })
        first << QString::fromLatin1(id);
    setPatterns(first);
}

void CompareDialog::setPatterns(const QStringList& ids)
{
    for (const auto& [id, box] : std::as_const(m_boxes))
        box->setChecked(ids.contains(id));
    updateOk();
}

QStringList CompareDialog::patterns() const
{
    QStringList ids;
    for (const auto& [id, box] : m_boxes) {
        if (box->isChecked())
            ids << id;
    }
    return ids;
}

Workload CompareDialog::workload() const
{
    Workload w;
    w.seed = m_seed->text().toULongLong();
    w.durationMs = qint64(m_duration->value()) * 1000;
    w.settings = { { QStringLiteral("latency"), ms(m_latency->value()) },
        { QStringLiteral("jitter"), ms(m_jitter->value()) }, { QStringLiteral("produce"), ms(m_produce->value()) },
        { QStringLiteral("clients"), QString::number(m_clients->value()) } };
    // Only short polling has a poll interval; a setting no chosen pattern has is refused.
    if (patterns().contains(QStringLiteral("short-polling")))
        w.settings.append({ QStringLiteral("poll"), ms(m_poll->value()) });
    if (m_cut->value() > 0 && m_cut->value() < m_duration->value())
        w.cutsAtMs = { qint64(m_cut->value()) * 1000 };
    return w;
}

void CompareDialog::setWorkload(const Workload& workload)
{
    m_seed->setText(QString::number(workload.seed));
    m_duration->setValue(int(workload.durationMs / 1000));
    const QHash<QString, QSpinBox*> durations { { QStringLiteral("latency"), m_latency },
        { QStringLiteral("jitter"), m_jitter }, { QStringLiteral("produce"), m_produce },
        { QStringLiteral("poll"), m_poll } };
    for (const auto& [name, value] : workload.settings) {
        qint64 number = 0;
        QString reason;
        if (name == QLatin1String("clients"))
            m_clients->setValue(value.toInt());
        else if (durations.contains(name) && parseDurationMs(value, &number, &reason))
            durations.value(name)->setValue(int(number));
    }
    m_cut->setValue(workload.cutsAtMs.isEmpty() ? 0 : int(workload.cutsAtMs.constFirst() / 1000));
}

Workload CompareDialog::defaultWorkload()
{
    Workload w;
    w.durationMs = kDurationS * 1000;
    w.settings = { { QStringLiteral("latency"), ms(kLatencyMs) }, { QStringLiteral("jitter"), ms(kJitterMs) },
        { QStringLiteral("produce"), ms(kProduceMs) }, { QStringLiteral("clients"), QString::number(kClients) } };
    return w;
}

void CompareDialog::updateOk()
{
    const qsizetype ticked = patterns().size();
    const bool ok = ticked >= MinPatterns && ticked <= MaxPatterns;
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ok);
    m_hint->setText(ok ? tr("They run at once, each on its own link, on one clock.")
                       : tr("Tick %1 to %2 patterns (%3 ticked).").arg(MinPatterns).arg(MaxPatterns).arg(ticked));
}

} // namespace PatternScope
