"""The course-style NumPy baseline, written the way the course writes it.

Parameter dicts (``W1``, ``b1``, ...), features-by-examples arrays (``X`` of shape
(n_x, m)), forward caches, per-layer backward and update loops (gradient descent and Adam
with ``v``/``s`` dicts), ``random_mini_batches`` re-drawn each epoch: the generic L-layer
code of the course's assignments, with relu hidden layers and a sigmoid or softmax output.
"""

from __future__ import annotations

import math

import numpy as np


def _sigmoid(Z):
    return 1 / (1 + np.exp(-Z)), Z


def _relu(Z):
    return np.maximum(0, Z), Z


def _softmax(Z):
    e = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True), Z


_FORWARD = {"sigmoid": _sigmoid, "relu": _relu, "softmax": _softmax}


def linear_activation_forward(A_prev, W, b, activation):
    Z = np.dot(W, A_prev) + b
    linear_cache = (A_prev, W, b)
    A, activation_cache = _FORWARD[activation](Z)
    return A, (linear_cache, activation_cache)


def L_model_forward(X, parameters, hidden, output):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(
            A, parameters["W" + str(l)], parameters["b" + str(l)], hidden
        )
        caches.append(cache)
    AL, cache = linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], output
    )
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y, output):
    m = Y.shape[1]
    if output == "softmax":
        return -np.sum(Y * np.log(AL)) / m
    cost = (-1.0 / m) * np.sum(np.multiply(Y, np.log(AL)) + np.multiply(1 - Y, np.log(1 - AL)))
    return np.squeeze(cost)


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1.0 / m * np.dot(dZ, A_prev.T)
    db = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def relu_backward(dA, Z):
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward(dA, Z):
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


def L_model_backward(AL, Y, caches, hidden, output):
    grads = {}
    L = len(caches)
    linear_cache, activation_cache = caches[L - 1]
    if output == "softmax":
        dZ = AL - Y
    else:
        dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
        dZ = sigmoid_backward(dAL, activation_cache)
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = linear_backward(
        dZ, linear_cache
    )
    for l in reversed(range(L - 1)):
        linear_cache, activation_cache = caches[l]
        dZ = relu_backward(grads["dA" + str(l + 1)], activation_cache)
        dA_prev, dW, db = linear_backward(dZ, linear_cache)
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = dA_prev, dW, db
    return grads


def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = (
            parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        )
        parameters["b" + str(l + 1)] = (
            parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
        )
    return parameters


def initialize_adam(parameters):
    L = len(parameters) // 2
    v, s = {}, {}
    for l in range(L):
        for p in ("W", "b"):
            v["d" + p + str(l + 1)] = np.zeros_like(parameters[p + str(l + 1)])
            s["d" + p + str(l + 1)] = np.zeros_like(parameters[p + str(l + 1)])
    return v, s


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, eps):
    L = len(parameters) // 2
    v_corrected, s_corrected = {}, {}
    for l in range(L):
        for p in ("W", "b"):
            key = "d" + p + str(l + 1)
            v[key] = beta1 * v[key] + (1 - beta1) * grads[key]
            v_corrected[key] = v[key] / (1 - beta1**t)
            s[key] = beta2 * s[key] + (1 - beta2) * np.power(grads[key], 2)
            s_corrected[key] = s[key] / (1 - beta2**t)
            parameters[p + str(l + 1)] = parameters[p + str(l + 1)] - learning_rate * v_corrected[
                key
            ] / (np.sqrt(s_corrected[key]) + eps)
    return parameters, v, s


def random_mini_batches(X, Y, mini_batch_size, seed):
    m = X.shape[1]
    rng = np.random.RandomState(seed)
    permutation = list(rng.permutation(m))
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation]
    mini_batches = []
    num_complete = math.floor(m / mini_batch_size)
    for k in range(num_complete):
        mini_batches.append(
            (
                shuffled_X[:, k * mini_batch_size : (k + 1) * mini_batch_size],
                shuffled_Y[:, k * mini_batch_size : (k + 1) * mini_batch_size],
            )
        )
    if m % mini_batch_size != 0:
        mini_batches.append(
            (
                shuffled_X[:, num_complete * mini_batch_size :],
                shuffled_Y[:, num_complete * mini_batch_size :],
            )
        )
    return mini_batches


def course_predict(X, parameters, hidden, output):
    AL, _ = L_model_forward(X.T, parameters, hidden, output)
    return AL.argmax(axis=0) if output == "softmax" else (AL[0] > 0.5).astype(int)
