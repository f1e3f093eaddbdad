#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace lobby::chat {

// Why a domain call did not happen; adapters map these to their own status codes.
enum class ErrorCode
{
    None,
    NotFound,
    Conflict,
    Invalid,
    Forbidden,
    Expired,
    Storage
};

struct Error
{
    ErrorCode code = ErrorCode::None;
    QString message;
};

// A value or the reason there is none. Small on purpose: the domain returns, adapters translate.
template <typename T> class Result
{
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Error error) : m_error(std::move(error)) {}

    explicit operator bool() const { return m_value.has_value(); }
    const T &value() const { return *m_value; }
    T &value() { return *m_value; }
    const T *operator->() const { return &*m_value; }
    const Error &error() const { return m_error; }

private:
    std::optional<T> m_value;
    Error m_error;
};

inline Error notFound(QString message)
{
    return {ErrorCode::NotFound, std::move(message)};
}
inline Error conflict(QString message)
{
    return {ErrorCode::Conflict, std::move(message)};
}
inline Error invalid(QString message)
{
    return {ErrorCode::Invalid, std::move(message)};
}
inline Error forbidden(QString message)
{
    return {ErrorCode::Forbidden, std::move(message)};
}
inline Error expired(QString message)
{
    return {ErrorCode::Expired, std::move(message)};
}
inline Error storageError(QString message)
{
    return {ErrorCode::Storage, std::move(message)};
}

} // namespace lobby::chat
