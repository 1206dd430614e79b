// SPDX-License-Identifier: GPL-3.0-or-later
#include "classdialog.h"

#include "mainwindow.h"
#include "pattern.h"
#include "patternregistry.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace PatternScope {

namespace {

QString addressList(const QList<QHostAddress>& addresses)
{
    QStringList texts;
    for (const QHostAddress& address : addresses)
        texts.append(address.toString());
    return texts.join(QStringLiteral(", "));
}

} // namespace

void askServeToClass(MainWindow* window)
{
    const QString title = QObject::tr("Serve to a class");
    QDialog dialog(window);
    dialog.setWindowTitle(title);
    auto* form = new QFormLayout(&dialog);
    auto* intro = new QLabel(QObject::tr("Only the server side runs here. Students open the join address in a "
                                         "browser, type their name and become clients of the run, each drawn as "
                                         "a lifeline. The parameters are those the panel shows for that pattern."));
    if (window->isRunning())
        intro->setText(intro->text() + u' ' + QObject::tr("The run going now ends when serving starts."));
    intro->setWordWrap(true);
    form->addRow(intro);

    auto* pattern = new QComboBox(&dialog);
    pattern->setObjectName(QStringLiteral("classPattern"));
    for (const PatternInfo& info : PatternRegistry::all())
        pattern->addItem(info.title, info.id);
    pattern->setCurrentIndex(pattern->findData(window->selectedPattern()));
    form->addRow(QObject::tr("&Pattern:"), pattern);

    const QList<QHostAddress> lan = ServeDoor::lanAddresses();
    auto* network = new QRadioButton(lan.isEmpty()
            ? QObject::tr("Machines on this network (this machine is on none)")
            : QObject::tr("Machines on this computer's networks (%1)").arg(addressList(lan)));
    network->setObjectName(QStringLiteral("classOnNetwork"));
    network->setEnabled(!lan.isEmpty());
    auto* here = new QRadioButton(QObject::tr("Only this machine (127.0.0.1), to try it out"));
    here->setObjectName(QStringLiteral("classOnThisMachine"));
    (lan.isEmpty() ? here : network)->setChecked(true);
    auto* who = new QButtonGroup(&dialog);
    who->addButton(network);
    who->addButton(here);
    auto* reach = new QVBoxLayout;
    reach->addWidget(network);
    reach->addWidget(here);
    form->addRow(QObject::tr("Who can join:"), reach);

    auto* port = new QSpinBox(&dialog);
    port->setObjectName(QStringLiteral("classPort"));
    port->setRange(0, 65535);
    port->setSpecialValueText(QObject::tr("any free port"));
    port->setToolTip(QObject::tr("A fixed port keeps the address the same from one lesson to the next."));
    form->addRow(QObject::tr("P&ort:"), port);
    // The door's limits, 1 to their most, at serve --lan's defaults.
    const auto addLimit = [&](const QString& name, const QString& label, int most, int value, const QString& tip) {
        auto* box = new QSpinBox(&dialog);
        box->setObjectName(name);
        box->setRange(1, most);
        box->setValue(value);
        box->setToolTip(tip);
        form->addRow(label, box);
        return box;
    };
    QSpinBox* maxClients = addLimit(QStringLiteral("classMaxClients"), QObject::tr("At most &connections:"),
        ServeDoor::kMaxMaxClients, ServeDoor::kDefaultMaxClients,
        QObject::tr("Connections open at once in all; beyond, a student's browser is asked to retry (503)."));
    QSpinBox* maxPerAddress = addLimit(QStringLiteral("classMaxPerAddress"), QObject::tr("At most from one &machine:"),
        ServeDoor::kMaxMaxPerAddress, ServeDoor::kDefaultMaxPerAddress,
        QObject::tr("Connections open at once from one machine; beyond, 429. Raise it when the class shares one "
                    "address (behind a NAT)."));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(QObject::tr("Start serving"));
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;

    const PatternInfo* info = PatternRegistry::find(pattern->currentData().toString());
    if (!info)
        return;
    ServeDoor door;
    door.addresses = network->isChecked() ? lan : QList<QHostAddress> { QHostAddress(QHostAddress::LocalHost) };
    door.maxClients = maxClients->value();
    door.maxPerAddress = maxPerAddress->value();
    window->serveToClass(*info, quint16(port->value()), door); // the window says why if it cannot
}

} // namespace PatternScope
