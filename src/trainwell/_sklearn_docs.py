"""The parameter, attribute and notes sections shared by the docstrings of
:class:`trainwell.sklearn.MLPClassifier` and :class:`trainwell.sklearn.MLPRegressor`."""

PARAMETERS = """hidden_layer_sizes : int or tuple of int, default=(100,)
        Units of the hidden layers, n[1], ..., n[L-1]; ``()`` leaves only the output
        layer (logistic or linear regression).
    activation : {"relu", "leaky_relu", "tanh", "sigmoid", "linear", "identity", \
"logistic"}, default="relu"
        g[l] of every hidden layer; scikit-learn's "identity" is "linear", its
        "logistic" is "sigmoid".
    init : {"auto", "zeros", "random", "he", "xavier", "glorot", "glorot_uniform"}, \
default="auto"
        How each W[l] of shape (n[l], n[l-1]) is drawn; biases start at 0.

        - "auto": "he" for relu/leaky_relu, "xavier" otherwise (the course's advice).
        - "zeros": all zeros; symmetry is never broken.
        - "random": ``randn * 0.01``.
        - "he": ``randn * sqrt(2 / n[l-1])``.
        - "xavier": ``randn * sqrt(1 / n[l-1])``.
        - "glorot": ``randn * sqrt(2 / (n[l-1] + n[l]))``.
        - "glorot_uniform": ``U(-r, r)``, ``r = sqrt(6 / (n[l-1] + n[l]))``.
    l2 : float, default=0.0
        lambda of L2 regularization (the same as scikit-learn's ``alpha``).
    l1 : float, default=0.0
        lambda of L1 regularization.
    keep_prob : float or tuple of float, default=1.0
        Inverted dropout after each hidden layer, one value or one per hidden layer;
        1.0 adds no Dropout layer.
    batch_norm : bool, default=False
        Batch normalization of each hidden layer's Z, before its activation.
    optimizer : {"gd", "momentum", "rmsprop", "adam"}, default="adam"
        "gd" is plain (mini-batch) gradient descent.
    learning_rate : float or {"constant", "invscaling", "adaptive"}, default=0.001
        A float is alpha, or alpha_0 of ``lr_schedule``. A string is scikit-learn's
        schedule (with ``learning_rate_init`` as the initial rate; for ``solver="sgd"``):
        "invscaling" is ``eta_0 / (t + 1) ** power_t`` with t the samples seen, updated
        after each epoch; "adaptive" divides the rate by 5 whenever the training cost has
        not improved by ``tol`` for more than ``n_iter_no_change`` epochs.
    beta : float, default=0.9
        Momentum's beta (``optimizer="momentum"``).
    beta1, beta2 : float, default=0.9, 0.999
        Adam's betas; RMSprop uses ``beta2``.
    epsilon : float, default=1e-8
        Added to ``sqrt(s)`` by RMSprop and Adam.
    lr_schedule : {None, "constant", "inverse_time", "exponential", "staircase", \
"inverse_sqrt", "fixed_interval"}, default=None
        Learning-rate decay over epochs (None is constant); see
        :mod:`trainwell.optim.schedules`.
    lr_schedule_params : dict, default=None
        The schedule's parameters: ``decay_rate`` (inverse_time), ``base``
        (exponential), ``factor`` and ``step_size`` (staircase), ``k`` (inverse_sqrt),
        ``decay_rate`` and ``time_interval`` (fixed_interval). Other keys are refused.
    batch_size : int, "auto" or "full", default="auto"
        Mini-batch size; "full" is the full batch (None: deprecated spelling). "auto"
        follows the course: the full batch when m <= 2000, else a power of two in
        [64, 512]; see ``batch_size_``.
    epochs : int, default=200
        Epochs per ``fit`` (also per warm-started ``fit``); ``max_epochs`` is its
        deprecated name (one release, with a DeprecationWarning).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training set (stratified for
        classifiers), or use ``validation_data``, and stop when its cost has not
        improved by more than ``tol`` for ``patience`` epochs; the parameters of the
        best epoch are restored. ``partial_fit`` (one epoch per call) does not stop.
    validation_fraction : float, default=0.1
        Held out when ``early_stopping`` and no ``validation_data`` are given.
    validation_data : (X_val, y_val), default=None
        A fixed development set, scored after every epoch (``validation_scores_``),
        and monitored by ``early_stopping``.
    patience : int, default=10
        Epochs without improvement before stopping (Keras's counting).
    tol : float, default=1e-4
        Smallest decrease of the validation cost that counts as an improvement.
    normalize_inputs : bool, default=True
        Standardize every feature with the training set's mean and standard deviation
        (a constant feature is only centered). ``partial_fit`` takes them from its first
        batch.
    dtype : {"float64", "float32"}, default="float64"
        Precision of the network; with "float32", float32 inputs stay float32.
    warm_start : bool, default=False
        ``fit`` continues the previous training (parameters, optimizer moments,
        generators) for ``epochs`` more epochs instead of starting over.
    random_state : None, int, RandomState or Generator, default=None
        Draws the initial weights, the validation split, the shuffles and the dropout
        masks. An int gives the course's ``np.random.seed(int)`` weights.
    verbose : int, default=0
        1 prints the chosen batch size and the cost every 10% of the epochs; 2 also
        shows a progress bar (when stderr is a terminal).
    solver, alpha, learning_rate_init, power_t, max_iter, shuffle, momentum, \
nesterovs_momentum, beta_1, beta_2, n_iter_no_change, max_fun
        scikit-learn's names, with its meanings, so that swapping the import from
        ``sklearn.neural_network`` works (see :mod:`trainwell._sklearn_params`):
        ``alpha`` is ``l2`` exactly (scikit-learn's batch loss adds
        ``alpha / (2 m) sum ||W||^2``, the course's ``lambda / (2m) sum ||W||_F^2``, so
        lambda = alpha); ``max_iter`` is ``epochs``; ``learning_rate_init`` the
        float ``learning_rate``; ``beta_1``, ``beta_2`` are ``beta1``, ``beta2``;
        ``n_iter_no_change`` is ``patience``. ``solver="adam"`` is ``optimizer="adam"``;
        ``solver="sgd"`` is ``optimizer="momentum"`` with ``beta=momentum`` and the
        equivalent course rate ``learning_rate_init / (1 - momentum)`` (scikit-learn's
        ``v = momentum v - eta g`` is the course's ``v = beta v + (1 - beta) g``,
        ``W -= alpha v`` with ``alpha = eta / (1 - beta)``), or plain gradient descent
        when ``momentum=0``; ``nesterovs_momentum=True`` trains with classical momentum
        (a note in ``history_.notes``); ``solver="lbfgs"`` is refused with an error
        (``max_fun`` belongs to it). With ``solver`` given, training stops as
        scikit-learn's does when the training cost has not improved by ``tol`` for more
        than ``n_iter_no_change`` epochs. ``shuffle=False`` keeps the sample order.
        Giving a trainwell name and its scikit-learn alias with different values is an
        error. Defaults stay trainwell's (``alpha`` None is ``l2=0``, not 1e-4;
        ``batch_size="auto"`` is the course's rule, not ``min(200, m)``), and inputs are
        standardized unless ``normalize_inputs=False``.
    engine : str, default="auto"
        Where and how the network trains (:mod:`trainwell.engine_choice`: "auto", "numpy",
        "numba", "cupy" for an NVIDIA GPU, "torch", ...); inputs and predictions stay
        NumPy arrays. Like the architecture, it cannot change under ``warm_start`` or
        ``partial_fit`` (an error says so); to move a fitted network, ``network_.save``
        it and ``Network.load(path, engine=...)``. ``backend`` is its deprecated name
        (``backend="numpy"`` is ``engine="auto"``).
"""

ATTRIBUTES = """n_features_in_ : int
        Number of features seen in fit.
    feature_names_in_ : ndarray of str
        Feature names, when X had string column names.
    network_ : Network
        The trained network (``network_.parameters()`` gives W1, b1, ...).
    n_outputs_ : int
        Units of the output layer.
    n_iter_ : int
        Epochs run, over all fit / partial_fit calls of this training.
    batch_size_ : int
        Mini-batch size used by the last call (resolved from "auto").
    loss_curve_ : list of float
        Training cost J per epoch (data loss plus regularization).
    loss_ : float
        The last epoch's training cost.
    validation_scores_, validation_loss_curve_ : list of float or None
        Per epoch, the score (as :meth:`score`) and the cost on the validation data;
        None without validation data.
    best_validation_score_ : float or None
        Maximum of ``validation_scores_``.
    coefs_, intercepts_ : list of ndarray
        scikit-learn's view of the weights: ``W[l].T`` of shape (n[l-1], n[l]) and
        ``b[l]`` (zeros where batch norm's beta replaces b), acting on standardized
        inputs when ``normalize_inputs``.
    best_loss_ : float or None
        The lowest training cost (None with early stopping).
    t_ : int
        Training samples seen over all epochs.
    n_layers_ : int
        L + 1 (scikit-learn counts the input layer).
    out_activation_ : {"logistic", "softmax", "identity"}
        The output activation by scikit-learn's name.
    history_ : History
        Record of the last call (learning rates, notes, ``stopped_reason``,
        ``best_epoch``)."""

NOTES = """The network is ``[Dense(n[l], activation), BatchNorm(), Dropout(keep_prob)] * (L-1)``
    followed by the output layer, trained with the cost

    .. math:: J = \\frac{1}{m} \\sum_i \\mathcal{L}(\\hat y^{(i)}, y^{(i)})
              + \\frac{\\lambda_2}{2m} \\sum_l \\|W^{[l]}\\|_F^2
              + \\frac{\\lambda_1}{m} \\sum_l \\|W^{[l]}\\|_1

    averaged over each mini-batch of m examples. Inverted dropout keeps each hidden unit
    with probability keep_prob and divides by keep_prob, in training only; batch norm
    uses the mini-batch's mean and variance of Z in training and their running averages
    when predicting. Adam updates, per step t,
    ``v = beta1 v + (1 - beta1) dW``, ``s = beta2 s + (1 - beta2) dW**2`` and
    ``W -= alpha v_hat / (sqrt(s_hat) + epsilon)`` with ``v_hat = v / (1 - beta1**t)``;
    momentum keeps the course's ``(1 - beta)`` factor (see :mod:`trainwell.optim`).

    ``warm_start=True`` and ``partial_fit`` keep the optimizer state (Adam's v, s and
    t), the shuffling and dropout generators and the schedule's epoch count, so two
    warm-started fits of 10 epochs equal one fit of 20, bit for bit; scikit-learn's own
    MLP restarts Adam's moments instead. A pickled estimator resumes bit for bit.
    Early stopping counts as Keras does: with ``patience=2`` and validation costs
    [0.2, 0.15, 0.1, 0.11, 0.12] it stops after epoch index 4 (scikit-learn stops one
    epoch later for ``n_iter_no_change=2``).

    ``sample_weight`` is not supported: ``fit`` refuses it with a clear error, because
    the engine's losses weigh every example equally. Sparse input is refused too."""
