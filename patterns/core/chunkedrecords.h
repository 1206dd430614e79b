// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>
#include <cstddef>
#include <iterator>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace PatternScope {

// An append-only sequence of records kept in fixed blocks of 4 MiB: growing it never moves what it
// holds. A std::vector doubles and moves everything when full, which for a trace of millions of
// messages is one event-loop turn of hundreds of milliseconds (the copy and the page faults of the
// new storage): a recording that stops reading its sockets, and a killed app whose newest line is
// that old. Here an append costs the same at every size, and references to records stay valid.
// Random access as a vector's: record i is in block i / PerBlock, at i % PerBlock.
template <typename T> class ChunkedRecords {
public:
    static constexpr size_t BlockBytes = 4 * 1024 * 1024;
    static constexpr size_t PerBlock = BlockBytes / sizeof(T);
    static_assert(PerBlock >= 1024, "records this big want smaller blocks");

    class const_iterator {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using pointer = const T*;
        using reference = const T&;

        const_iterator() = default;
        const_iterator(const ChunkedRecords* records, size_t index)
            : m_records(records)
            , m_index(index)
        {
        }
        reference operator*() const { return (*m_records)[m_index]; }
        pointer operator->() const { return &(*m_records)[m_index]; }
        reference operator[](difference_type n) const { return (*m_records)[size_t(difference_type(m_index) + n)]; }
        const_iterator& operator++()
        {
            ++m_index;
            return *this;
        }
        const_iterator operator++(int)
        {
            const_iterator before = *this;
            ++m_index;
            return before;
        }
        const_iterator& operator--()
        {
            --m_index;
            return *this;
        }
        const_iterator operator--(int)
        {
            const_iterator before = *this;
            --m_index;
            return before;
        }
        const_iterator& operator+=(difference_type n)
        {
            m_index = size_t(difference_type(m_index) + n);
            return *this;
        }
        const_iterator& operator-=(difference_type n) { return *this += -n; }
        friend const_iterator operator+(const_iterator it, difference_type n) { return it += n; }
        friend const_iterator operator+(difference_type n, const_iterator it) { return it += n; }
        friend const_iterator operator-(const_iterator it, difference_type n) { return it -= n; }
        friend difference_type operator-(const const_iterator& a, const const_iterator& b)
        {
            return difference_type(a.m_index) - difference_type(b.m_index);
        }
        friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.m_index == b.m_index; }
        friend bool operator!=(const const_iterator& a, const const_iterator& b) { return a.m_index != b.m_index; }
        friend bool operator<(const const_iterator& a, const const_iterator& b) { return a.m_index < b.m_index; }
        friend bool operator>(const const_iterator& a, const const_iterator& b) { return a.m_index > b.m_index; }
        friend bool operator<=(const const_iterator& a, const const_iterator& b) { return a.m_index <= b.m_index; }
        friend bool operator>=(const const_iterator& a, const const_iterator& b) { return a.m_index >= b.m_index; }

    private:
        const ChunkedRecords* m_records = nullptr;
        size_t m_index = 0;
    };
    using iterator = const_iterator;
    using const_reverse_iterator = std::reverse_iterator<const_iterator>;
    using value_type = T;
    using size_type = size_t;
    using const_reference = const T&;

    ChunkedRecords() = default;
    ChunkedRecords(const ChunkedRecords& other)
    {
        for (const T& record : other)
            push_back(record);
    }
    ChunkedRecords& operator=(const ChunkedRecords& other)
    {
        if (this != &other) {
            clear();
            for (const T& record : other)
                push_back(record);
        }
        return *this;
    }
    ~ChunkedRecords() { clear(); }

    size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    const T& operator[](size_t i) const { return m_blocks[i / PerBlock][i % PerBlock]; }
    T& operator[](size_t i) { return m_blocks[i / PerBlock][i % PerBlock]; }
    const T& at(size_t i) const
    {
        Q_ASSERT(i < m_size);
        return (*this)[i];
    }
    const T& front() const { return (*this)[0]; }
    const T& back() const { return (*this)[m_size - 1]; }
    T& back() { return (*this)[m_size - 1]; }
    const_iterator begin() const { return { this, 0 }; }
    const_iterator end() const { return { this, m_size }; }
    const_iterator cbegin() const { return begin(); }
    const_iterator cend() const { return end(); }
    const_reverse_iterator rbegin() const { return const_reverse_iterator(end()); }
    const_reverse_iterator rend() const { return const_reverse_iterator(begin()); }

    void push_back(T record)
    {
        const size_t offset = m_size % PerBlock;
        if (offset == 0 && m_size / PerBlock == m_blocks.size())
            m_blocks.push_back(allocateBlock(m_blocks.size()));
        new (m_blocks[m_size / PerBlock] + offset) T(std::move(record));
        ++m_size;
    }
    // Room for `count` records without growing the list of blocks (the blocks come as they fill).
    void reserve(size_t count) { m_blocks.reserve((count + PerBlock - 1) / PerBlock); }
    void clear()
    {
        for (size_t i = 0; i < m_size; ++i)
            (*this)[i].~T();
        for (T* block : m_blocks)
            ::operator delete(static_cast<void*>(block), std::align_val_t(kAlignment));
        m_blocks.clear();
        m_size = 0;
    }

    friend bool operator==(const ChunkedRecords& a, const ChunkedRecords& b)
    {
        if (a.size() != b.size())
            return false;
        for (size_t i = 0; i < a.size(); ++i) {
            if (!(a[i] == b[i]))
                return false;
        }
        return true;
    }
    friend bool operator!=(const ChunkedRecords& a, const ChunkedRecords& b) { return !(a == b); }

private:
    static constexpr size_t kAlignment = 2 * 1024 * 1024; // a huge page
    static T* allocateBlock(size_t index);

    std::vector<T*> m_blocks;
    size_t m_size = 0;
};

// Every block but the first (a small trace stays small) asks for huge pages: its first touch is one
// page fault per 2 MiB instead of one per 4 KiB, which was most of what appending a big trace cost.
void adviseHugePages(void* begin, size_t bytes);

template <typename T> T* ChunkedRecords<T>::allocateBlock(size_t index)
{
    void* block = ::operator new(BlockBytes, std::align_val_t(kAlignment));
    if (index > 0)
        adviseHugePages(block, BlockBytes);
    return static_cast<T*>(block);
}

} // namespace PatternScope
